//! The actors of the crawler; each file holds one actor and the messages it handles.

pub mod catalogs;
pub mod changes;
pub mod coordinator;
pub mod export;
pub mod fetch;
pub mod rate_limiter;
pub mod writer;
