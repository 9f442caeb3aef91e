//! Credentials below the web layer: password hashing (and the limiter that keeps it from
//! exhausting memory), the password policy, random tokens. The store, the command line, the demo
//! and the first start use them as much as the web handlers do.

pub mod password;
pub mod policy;
pub mod token;
