//! What the server does to a database before it serves: seed the programs, and give an empty
//! database its first accounts — the demo school, or one admin with a one-time password.

use crate::config::Config;
use crate::credentials::{password, token};
use crate::db::Pool;
use crate::domain::role::Role;
use crate::store::audit::Actor;
use crate::store::{programs, users};

pub const FIRST_ADMIN_EMAIL: &str = "admin@boiduong.local";

/// What happened, for the caller to print.
#[derive(Debug, PartialEq)]
pub enum Prepared {
    /// The database already had accounts.
    Existing,
    /// A first admin was made; the password is shown once and must be changed.
    FirstAdmin { email: String, password: String },
    /// The demo school was loaded; `generated` when the password was not configured.
    Demo { password: String, generated: bool },
}

pub fn prepare(pool: &Pool, config: &Config, demo: bool) -> anyhow::Result<Prepared> {
    let mut conn = pool.get()?;
    programs::seed(&mut conn)?;
    if users::count(&mut conn)? > 0 {
        return Ok(Prepared::Existing);
    }
    if demo {
        let (password, generated) = match &config.demo_password {
            Some(p) => (p.clone(), false),
            None => (token::random_password(), true),
        };
        let mail = crate::mail::invitations::MailContext::for_config(config);
        crate::demo::load(&mut conn, &password, &mail, &config.public_url)?;
        return Ok(Prepared::Demo { password, generated });
    }
    let password = token::random_password();
    users::create(
        &mut conn,
        &Actor::system("khởi tạo"),
        &users::NewUser {
            email: FIRST_ADMIN_EMAIL.into(),
            display_name: "Quản trị hệ thống".into(),
            password_hash: Some(password::hash(&password)),
            roles: vec![Role::Admin],
            secretary_units: Vec::new(),
            person_id: None,
            one_time_password_until: Some(config.one_time_password_until()),
        },
    )?;
    Ok(Prepared::FirstAdmin { email: FIRST_ADMIN_EMAIL.into(), password })
}
