//! tmdb-crawler keeps a local relational mirror of The Movie Database (TMDb) in sync.
//!
//! The binary (`src/main.rs`) is a thin shell over this library; integration tests drive the
//! same modules (and the real binary) against a fake TMDb server and real databases.

pub mod actors;
pub mod app;
pub mod cli;
pub mod config;
pub mod process;
pub mod records;
pub mod redaction;
pub mod shutdown;
pub mod store;
pub mod tmdb;
pub mod watchdog;
