//! The workspace's secret: made from the operating system's random source at each start, handed to
//! the browser once in the address the console prints (`/?key=…`), exchanged there for a cookie,
//! and required on every request after that.
//!
//! Why a secret on a server that answers on loopback only: every user of a shared office machine
//! (and every program they run) can reach 127.0.0.1. The draft is unpublished and the workspace
//! writes the facts file; only the browser the clerk opened from this console may do either.
//!
//! Why a cookie *and* a header for changes: the cookie is HttpOnly (a script smuggled into the page
//! cannot read it) and SameSite=Strict (another site's page cannot send it); a change also needs
//! the secret in `X-Speechgen-Secret`, which a page can only set on a request to its own origin,
//! so no form posted from another site, and no `<img>` or link, changes anything.

/// The header a change carries the secret in.
pub const HEADER: &str = "x-speechgen-secret";

/// The query parameter of the address the console prints: `http://127.0.0.1:4000/?key=…`.
pub const QUERY_KEY: &str = "key";

#[derive(Clone)]
pub struct Secret(String);

impl Secret {
    /// 32 random bytes from the operating system, as 64 hex digits.
    pub fn new() -> std::io::Result<Secret> {
        let mut bytes = [0u8; 32];
        getrandom::fill(&mut bytes).map_err(|e| std::io::Error::other(e.to_string()))?;
        Ok(Secret(hex(&bytes)))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether `given` is the secret, in time that does not depend on where they differ.
    pub fn matches(&self, given: &[u8]) -> bool {
        let ours = self.0.as_bytes();
        if given.len() != ours.len() {
            return false;
        }
        ours.iter().zip(given).fold(0u8, |d, (a, b)| d | (a ^ b)) == 0
    }

    /// Whether a `Cookie:` header value carries the secret under `name`.
    pub fn in_cookies(&self, header: &[u8], name: &str) -> bool {
        let Ok(header) = std::str::from_utf8(header) else {
            return false;
        };
        header.split(';').any(|pair| {
            pair.trim()
                .split_once('=')
                .is_some_and(|(k, v)| k == name && self.matches(v.as_bytes()))
        })
    }

    /// The `Set-Cookie` value: sent back on every request to this address, never readable by a
    /// script, never sent with a request another site starts. A session cookie: gone when the
    /// browser closes, and worthless once the program stops (the next start makes a new secret).
    pub fn set_cookie(&self, name: &str) -> String {
        format!("{name}={}; Path=/; HttpOnly; SameSite=Strict", self.0)
    }
}

/// The cookie's name: the port is part of it, so two workspaces on one machine (two projects, two
/// ports of 127.0.0.1, one cookie jar) do not replace each other's.
pub fn cookie_name(port: u16) -> String {
    format!("speechgen-{port}")
}

/// The value of `key` in a query string (`key=…&…`), when present.
pub fn key_in_query(query: &str) -> Option<&str> {
    query
        .split('&')
        .find_map(|kv| kv.strip_prefix(QUERY_KEY)?.strip_prefix('='))
}

fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write as _;
    bytes.iter().fold(String::new(), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_start_makes_another_secret() {
        let a = Secret::new().unwrap();
        let b = Secret::new().unwrap();
        assert_eq!(a.as_str().len(), 64);
        assert_ne!(a.as_str(), b.as_str());
    }

    #[test]
    fn only_the_exact_secret_matches() {
        let s = Secret::new().unwrap();
        assert!(s.matches(s.as_str().as_bytes()));
        assert!(!s.matches(&s.as_str().as_bytes()[1..]));
        assert!(!s.matches(b""));
        let mut other = s.as_str().as_bytes().to_vec();
        other[63] ^= 1;
        assert!(!s.matches(&other));
    }

    #[test]
    fn the_cookie_is_found_among_others_by_its_name() {
        let s = Secret::new().unwrap();
        let name = cookie_name(4000);
        let header = format!("a=b; {name}={}; c=d", s.as_str());
        assert!(s.in_cookies(header.as_bytes(), &name));
        assert!(!s.in_cookies(header.as_bytes(), &cookie_name(4001)));
        assert!(!s.in_cookies(format!("{name}=x").as_bytes(), &name));
        let set = s.set_cookie(&name);
        assert!(set.contains("HttpOnly") && set.contains("SameSite=Strict"));
    }

    #[test]
    fn the_key_is_read_from_the_query() {
        assert_eq!(key_in_query("key=abc"), Some("abc"));
        assert_eq!(key_in_query("x=1&key=abc"), Some("abc"));
        assert_eq!(key_in_query("keys=abc"), None);
        assert_eq!(key_in_query(""), None);
    }
}
