//! The client address login throttling counts. Directly, it is the peer. Behind reverse proxies
//! the peer is a proxy, and the client is found in X-Forwarded-For, where each proxy appends the
//! address it received the request from: only the entries written by trusted proxies can be
//! believed, so the list is read from the right, past the trusted proxies, and the first address
//! that is not one of them is the client. Whatever a client wrote itself sits further left and
//! is never reached. `Forwarded` is not read at all: the proxies this runs behind overwrite
//! X-Forwarded-For, and a second header a client could set would only be another way in.

use std::net::IpAddr;

use ipnet::IpNet;

/// The client address for a request from `peer` carrying these X-Forwarded-For header values
/// (in order). `trusted` is None when forwarded addresses are not to be believed at all. An
/// entry that is not a valid IP address ends the search at the last hop known so far.
pub fn client_address<'a>(
    peer: Option<IpAddr>,
    forwarded_for: impl IntoIterator<Item = &'a str>,
    trusted: Option<&[IpNet]>,
) -> Option<IpAddr> {
    let peer = peer?.to_canonical();
    let Some(trusted) = trusted else {
        return Some(peer);
    };
    let is_trusted = |ip: &IpAddr| trusted.iter().any(|range| range.contains(ip));
    if !is_trusted(&peer) {
        return Some(peer);
    }
    let hops: Vec<&str> = forwarded_for.into_iter().flat_map(|value| value.split(',')).map(str::trim).collect();
    let mut last_known = peer;
    for hop in hops.into_iter().rev() {
        let Ok(ip) = hop.parse::<IpAddr>().map(|ip| ip.to_canonical()) else {
            return Some(last_known);
        };
        if !is_trusted(&ip) {
            return Some(ip);
        }
        last_known = ip;
    }
    Some(last_known)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    fn ranges(list: &[&str]) -> Vec<IpNet> {
        list.iter().map(|r| r.parse().unwrap()).collect()
    }

    fn client(peer: &str, headers: &[&str], trusted: Option<&[&str]>) -> String {
        let trusted = trusted.map(ranges);
        client_address(Some(ip(peer)), headers.iter().copied(), trusted.as_deref()).unwrap().to_string()
    }

    const LOOPBACK: Option<&[&str]> = Some(&["127.0.0.0/8", "::1/128"]);

    #[test]
    fn without_trust_the_peer_counts() {
        assert_eq!(client("127.0.0.1", &["203.0.113.7"], None), "127.0.0.1");
    }

    #[test]
    fn an_untrusted_peer_counts_whatever_it_sends() {
        assert_eq!(client("198.51.100.9", &["203.0.113.7"], LOOPBACK), "198.51.100.9");
    }

    #[test]
    fn behind_a_trusted_proxy_the_rightmost_untrusted_entry_counts() {
        assert_eq!(client("127.0.0.1", &["203.0.113.7"], LOOPBACK), "203.0.113.7");
        // A client-chosen leftmost entry is never reached.
        assert_eq!(client("127.0.0.1", &["1.1.1.1, 203.0.113.7"], LOOPBACK), "203.0.113.7");
        assert_eq!(client("127.0.0.1", &["6.6.6.6", "203.0.113.7"], LOOPBACK), "203.0.113.7");
        // Through two trusted proxies.
        let two = Some(&["127.0.0.0/8", "10.0.0.0/8"][..]);
        assert_eq!(client("127.0.0.1", &["9.9.9.9, 203.0.113.7, 10.1.2.3"], two), "203.0.113.7");
    }

    #[test]
    fn only_valid_addresses_are_taken() {
        assert_eq!(client("127.0.0.1", &["not-an-ip"], LOOPBACK), "127.0.0.1");
        assert_eq!(client("127.0.0.1", &["203.0.113.7:4711"], LOOPBACK), "127.0.0.1");
        assert_eq!(client("127.0.0.1", &[""], LOOPBACK), "127.0.0.1");
        assert_eq!(client("127.0.0.1", &[], LOOPBACK), "127.0.0.1");
        // Garbage left of a good entry does not matter.
        assert_eq!(client("127.0.0.1", &["garbage, 203.0.113.7"], LOOPBACK), "203.0.113.7");
        // IPv6 and IPv4-mapped forms.
        assert_eq!(client("::1", &["2001:db8::7"], LOOPBACK), "2001:db8::7");
        assert_eq!(client("::ffff:127.0.0.1", &["::ffff:203.0.113.7"], LOOPBACK), "203.0.113.7");
    }

    #[test]
    fn when_every_hop_is_trusted_the_leftmost_counts() {
        assert_eq!(client("127.0.0.1", &["127.0.0.5"], LOOPBACK), "127.0.0.5");
    }
}
