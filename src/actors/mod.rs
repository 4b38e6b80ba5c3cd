//! The actors of the crawler; each file holds one actor and the messages it handles.

pub mod rate_limiter;
