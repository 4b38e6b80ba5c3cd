//! The TMDb API: typed payloads and the rate-limited HTTP client.

pub mod client;
pub mod payload;
pub mod tls;
