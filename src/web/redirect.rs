//! Where a page may send the browser after a form: `next` fields and parameters come from the
//! client, so only a path on this site is followed, and anything else goes to the home page.

/// `next` when it is a local path, otherwise "/". A local path starts with one "/" (not "//",
/// which browsers read as another host) and holds only visible ASCII without a backslash:
/// browsers drop tabs and newlines and read "\" as "/", so "/\t/evil.example" and
/// "/\\evil.example" would leave the site, and CR or LF would break the Location header. The
/// paths this application writes into `next` are percent-encoded, so they always pass.
pub fn local_path(next: &str) -> &str {
    let local =
        next.starts_with('/') && !next.starts_with("//") && next.bytes().all(|b| b.is_ascii_graphic() && b != b'\\');
    if local { next } else { "/" }
}

#[cfg(test)]
mod tests {
    use super::local_path;

    #[test]
    fn local_paths_pass() {
        for path in ["/", "/people", "/people?q=nguy%E1%BB%85n&page=2", "/account/password", "/a//b"] {
            assert_eq!(local_path(path), path);
        }
    }

    #[test]
    fn anything_else_goes_home() {
        for next in [
            "",
            "people",
            "//evil.example",
            "///evil.example",
            "/\\evil.example",
            "/\t/evil.example",
            "/\n/evil.example",
            "/x\r\nSet-Cookie: a=b",
            "/ /evil.example",
            "/\u{7f}",
            "/ngu\u{1ec5}n",
            "https://evil.example/",
            "javascript:alert(1)",
            "\\\\evil.example",
        ] {
            assert_eq!(local_path(next), "/", "{next:?}");
        }
    }
}
