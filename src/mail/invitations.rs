//! The two account emails: the invitation that lets a new user set a password, and the password
//! reset. They are queued in the caller's transaction; the single-use link itself is made when
//! the message is sent (see `link_for`), so the raw token is never stored — not even in the
//! outbox — and a retried or resent message carries a fresh link.

use serde_json::json;
use time::{Duration, PrimitiveDateTime};

use crate::db::DbConn;
use crate::domain::dates;
use crate::store::outbox::{self, NewEmail};
use crate::store::users::User;
use crate::store::{StoreResult, tokens};

/// What queueing a message needs to know about the installation. The school's name, its
/// contact and the links are filled in when the message is sent, so they are never stale.
#[derive(Debug, Clone)]
pub struct MailContext {
    pub message_id_domain: String,
}

impl MailContext {
    pub fn for_config(config: &crate::config::Config) -> Self {
        Self { message_id_domain: super::message_id_domain(config) }
    }
}

/// Fills in the account link of a message about to be sent: a new token (older unused ones of
/// the same purpose end), the link and its expiry. Messages without a link pass unchanged.
pub fn link_for(
    conn: &mut DbConn,
    public_url: &str,
    user_id: Option<i64>,
    data: &mut serde_json::Value,
    now: PrimitiveDateTime,
) -> StoreResult<()> {
    let Some(purpose) = data.get(LINK_FIELD).and_then(|p| p.as_str()).map(str::to_owned) else {
        return Ok(());
    };
    let user_id = user_id.ok_or(crate::store::StoreError::NotFound)?;
    if purpose != tokens::INVITE && purpose != tokens::RESET {
        return Err(crate::store::StoreError::NotFound);
    }
    let path = tokens::link_path(&purpose);
    tokens::revoke_unused(conn, user_id, &purpose)?;
    let (token, expires) = tokens::create(conn, user_id, &purpose, now)?;
    data["link"] = json!(format!("{}/{path}/{token}", public_url.trim_end_matches('/')));
    data["expires"] = json!(dates::format_timestamp(expires));
    Ok(())
}

/// Invites an account that has no password yet. One invitation per account: a second call
/// queues nothing.
pub fn invite(conn: &mut DbConn, ctx: &MailContext, user: &User) -> StoreResult<bool> {
    let key = format!("invite:{}", user.id);
    outbox::enqueue(conn, &email(user, key, tokens::INVITE), &ctx.message_id_domain)
}

/// How long a reset message stands for every further request of the same account.
pub const RESET_INTERVAL: Duration = Duration::hours(1);

/// Queues a password-reset link. At most one per account per hour: while the account's last
/// reset message is younger than that, a new request is the same logical message and sends
/// nothing more. The key names the message it follows ("reset:{user}:{previous row}"), so two
/// requests at the same moment compute the same key and the outbox keeps one of them.
pub fn reset(conn: &mut DbConn, ctx: &MailContext, user: &User, now: PrimitiveDateTime) -> StoreResult<bool> {
    let prefix = format!("reset:{}:", user.id);
    let last = outbox::latest_with_key_prefix(conn, &prefix)?;
    if last.is_some_and(|(_, queued_at)| queued_at > now - RESET_INTERVAL) {
        return Ok(false);
    }
    let key = format!("{prefix}{}", last.map_or(0, |(id, _)| id));
    outbox::enqueue_at(conn, &email(user, key, tokens::RESET), &ctx.message_id_domain, now)
}

/// The field of an email's data that asks for an account link of this purpose at send time.
const LINK_FIELD: &str = "account_link";

fn email(user: &User, key: String, purpose: &str) -> NewEmail {
    NewEmail {
        key,
        to_email: user.email.clone(),
        to_name: user.display_name.clone(),
        user_id: Some(user.id),
        person_id: user.person_id,
        template: purpose.into(),
        language: user.language.clone(),
        data: json!({
            "name": user.display_name,
            "email": user.email,
            LINK_FIELD: purpose,
        }),
        attachment: None,
    }
}

/// Gives a person with an email a learner account and queues its invitation, unless an account
/// with that email exists already. Call it in the transaction that creates or updates the person.
/// Returns the new account's id.
pub fn invite_learner(
    conn: &mut DbConn,
    ctx: &MailContext,
    actor: &crate::store::audit::Actor,
    person: &crate::store::people::Person,
) -> StoreResult<Option<i64>> {
    let Some(email) = person.email.as_deref().filter(|e| !e.is_empty()) else {
        return Ok(None);
    };
    if crate::store::users::find_by_email(conn, email)?.is_some() {
        return Ok(None);
    }
    let id = crate::store::users::create(
        conn,
        actor,
        &crate::store::users::NewUser {
            email: email.to_owned(),
            display_name: person.full_name(),
            password_hash: None,
            roles: vec![crate::domain::role::Role::Learner],
            secretary_units: Vec::new(),
            person_id: Some(person.id),
            one_time_password_until: None,
        },
    )?;
    let user = crate::store::users::find(conn, id)?;
    invite(conn, ctx, &user)?;
    Ok(Some(id))
}

/// `invite_learner` for many people at once (an import), with multi-row inserts: the accounts,
/// their roles and audit events, and the invitations. Returns the new account's id for each
/// person, in order (None: no email, an account with it exists, or an earlier person of the
/// batch has the same email).
pub fn invite_learners(
    conn: &mut DbConn,
    ctx: &MailContext,
    actor: &crate::store::audit::Actor,
    people: &[&crate::store::people::Person],
) -> StoreResult<Vec<Option<i64>>> {
    use crate::store::users;
    let with_email: Vec<(usize, &str)> = people
        .iter()
        .enumerate()
        .filter_map(|(i, p)| p.email.as_deref().filter(|e| !e.is_empty()).map(|e| (i, e)))
        .collect();
    let normalized: Vec<String> = with_email.iter().map(|(_, e)| users::normalize_email(e)).collect();
    let mut taken = users::emails_taken(conn, &normalized)?;
    let mut invited = Vec::new();
    let mut news = Vec::new();
    for ((i, email), normalized) in with_email.into_iter().zip(normalized) {
        if taken.insert(normalized) {
            invited.push(i);
            news.push(users::NewUser {
                email: email.to_owned(),
                display_name: people[i].full_name(),
                password_hash: None,
                roles: vec![crate::domain::role::Role::Learner],
                secretary_units: Vec::new(),
                person_id: Some(people[i].id),
                one_time_password_until: None,
            });
        }
    }
    let ids = users::create_many(conn, actor, &news)?;
    let accounts = users::find_many(conn, &ids)?;
    let emails: Vec<NewEmail> =
        accounts.iter().map(|user| email(user, format!("invite:{}", user.id), tokens::INVITE)).collect();
    outbox::enqueue_many(conn, &emails, &ctx.message_id_domain, dates::now())?;
    let mut result = vec![None; people.len()];
    for (i, id) in invited.into_iter().zip(ids) {
        result[i] = Some(id);
    }
    Ok(result)
}
