//! How many connections one address may hold open at once. Every connection costs the server a
//! file descriptor and a task; without a bound one machine could open them until the process
//! has no descriptor left and nobody else can connect. A connection past its address's bound is
//! answered 429 in Chinese and closed before it is read. Trusted reverse proxies are not bounded
//! (they carry every client's connections; bounding clients is then the proxy's job).
use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Arc, Mutex};

/// Connections one address may hold open at once, by default: an office of a few dozen
/// clerks behind one NAT address, each browser keeping a handful of connections alive.
pub const PER_ADDRESS: usize = 512;

/// Refused connections being answered at once (each for at most half a second); past them a
/// refused connection is closed without an answer.
pub const REFUSALS: usize = 256;

/// The open connections per address, shared by the server loop and its connections.
#[derive(Clone, Default)]
pub struct OpenConnections {
    open: Arc<Mutex<HashMap<IpAddr, usize>>>,
}

/// One admitted connection: its address's count goes down when it is dropped.
pub struct Admitted {
    open: Arc<Mutex<HashMap<IpAddr, usize>>>,
    address: IpAddr,
}

impl OpenConnections {
    /// Counts a new connection from `address`, or refuses it when the address already holds
    /// `limit` open.
    pub fn admit(&self, address: IpAddr, limit: usize) -> Option<Admitted> {
        let mut open = self.open.lock().unwrap_or_else(|p| p.into_inner());
        let n = open.entry(address).or_insert(0);
        if *n >= limit {
            return None;
        }
        *n += 1;
        Some(Admitted {
            open: self.open.clone(),
            address,
        })
    }
}

impl Drop for Admitted {
    fn drop(&mut self) {
        let mut open = self.open.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(n) = open.get_mut(&self.address) {
            *n -= 1;
            if *n == 0 {
                open.remove(&self.address);
            }
        }
    }
}

/// The whole answer to a connection past its address's bound (it is closed after it).
pub const REFUSED: &str = "HTTP/1.1 429 Too Many Requests\r\n\
    Content-Type: text/plain; charset=utf-8\r\n\
    Retry-After: 10\r\n\
    Connection: close\r\n\
    Content-Length: 72\r\n\
    \r\n\
    来自本地址的连接过多，请关闭多余的页面后稍后再试";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_address_holds_at_most_its_limit_and_gets_its_places_back() {
        let open = OpenConnections::default();
        let a: IpAddr = "203.0.113.5".parse().unwrap();
        let b: IpAddr = "198.51.100.7".parse().unwrap();
        let held: Vec<_> = (0..3).map(|_| open.admit(a, 3).expect("within")).collect();
        assert!(open.admit(a, 3).is_none(), "the fourth from one address");
        assert!(open.admit(b, 3).is_some(), "another address");
        drop(held);
        assert!(open.admit(a, 3).is_some(), "places come back when closed");
        assert!(
            open.open.lock().unwrap().is_empty(),
            "no entry kept for idle addresses"
        );
    }

    #[test]
    fn the_refusal_states_its_length() {
        let (head, body) = REFUSED.split_once("\r\n\r\n").unwrap();
        assert!(head.contains(&format!("Content-Length: {}", body.len())));
    }
}
