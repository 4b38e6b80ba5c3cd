//! The last line of defence for secrets in logs: every log line is written through
//! [`RedactingStderr`], which replaces each registered secret (API key, API token, database
//! password) with `***`. Libraries log what they like at trace level (a request head with its
//! URI and headers, for one); whatever their target or level, the secret never reaches stderr.
//!
//! Each event is formatted whole and written in one call, so a secret is never split between
//! two writes.

use std::io::{self, Write};
use std::sync::RwLock;

use tracing_subscriber::fmt::MakeWriter;

const MASK: &str = "***";
/// Shorter values are not secrets worth hiding, and would mask common words.
const SHORTEST_SECRET: usize = 4;

static SECRETS: RwLock<Vec<String>> = RwLock::new(Vec::new());

/// Registers secrets to be masked in every later log line.
pub fn hide<I: IntoIterator<Item = String>>(secrets: I) {
    let Ok(mut known) = SECRETS.write() else {
        return;
    };
    known.extend(secrets.into_iter().filter(|s| s.len() >= SHORTEST_SECRET));
    // Longest first: a password inside a URL is masked with the URL.
    known.sort_by_key(|s| std::cmp::Reverse(s.len()));
    known.dedup();
}

/// `text` with every registered secret masked.
pub fn redact(text: &str) -> String {
    let mut text = text.to_owned();
    if let Ok(known) = SECRETS.read() {
        for secret in known.iter() {
            if text.contains(secret.as_str()) {
                text = text.replace(secret.as_str(), MASK);
            }
        }
    }
    text
}

/// A `MakeWriter` for stderr that masks the registered secrets.
#[derive(Debug, Clone, Copy, Default)]
pub struct RedactingStderr;

impl<'a> MakeWriter<'a> for RedactingStderr {
    type Writer = RedactingStderr;

    fn make_writer(&'a self) -> Self::Writer {
        RedactingStderr
    }
}

impl Write for RedactingStderr {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let text = String::from_utf8_lossy(buf);
        io::stderr().write_all(redact(&text).as_bytes())?;
        // The whole buffer was consumed, masked or not.
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        io::stderr().flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn registered_secrets_are_masked_longest_first() {
        hide([
            "s3cr3t-key-value".to_owned(),
            "mysql://u:pw-long@h/db".to_owned(),
            "pw-long".to_owned(),
            "ab".to_owned(),
        ]);
        assert_eq!(
            redact("GET /3/movie/1?api_key=s3cr3t-key-value from mysql://u:pw-long@h/db ab"),
            "GET /3/movie/1?api_key=*** from *** ab"
        );
        assert_eq!(redact("password pw-long"), "password ***");
    }
}
