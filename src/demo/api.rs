//! The demo's API token: one for the staff account (giáo vụ), issued by the admin when the demo
//! is loaded and printed to the console with a call to try. It is random like every token (only
//! its hash is stored), so it is printed here, the one time it exists in full.

use crate::store::audit::Actor;
use crate::store::{DbConn, api_tokens, users};

pub const STAFF_EMAIL: &str = "giaovu@boiduong.test";
const ADMIN_EMAIL: &str = "admin@boiduong.test";

pub fn load(conn: &mut DbConn, public_url: &str) -> anyhow::Result<()> {
    let (Some(staff), Some(admin)) =
        (users::find_by_email(conn, STAFF_EMAIL)?, users::find_by_email(conn, ADMIN_EMAIL)?)
    else {
        anyhow::bail!("the demo accounts are created before the API token");
    };
    let actor = Actor { user_id: Some(admin.id), label: admin.email };
    let now = crate::clock::Clock::default().now_utc();
    let issued = api_tokens::issue(conn, &actor, staff.id, "Khóa API mẫu của giáo vụ", now)?;
    let base = public_url.trim_end_matches('/');
    println!("Khóa API mẫu (tài khoản {STAFF_EMAIL}, chỉ hiện một lần): {}", issued.token);
    println!("Thử: curl -H \"Authorization: Bearer {}\" {base}/api/v1/classes", issued.token);
    println!("Tài liệu OpenAPI: {base}/api/openapi.json");
    Ok(())
}
