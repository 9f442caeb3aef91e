//! The emails a certificate sends: to the learner with the PDF, to the secretaries of their chi
//! bộ, and the reminders before a certificate expires.

use std::collections::{BTreeMap, HashMap};

use diesel::prelude::*;
use serde_json::json;
use time::{Date, Duration};

use crate::db::schema::{certificates, people};
use crate::domain::certificate::{self as rules, CertificateStatus, format_code};
use crate::domain::class as class_names;
use crate::domain::dates;
use crate::store::classes::Class;
use crate::store::outbox::{self, NewEmail};
use crate::store::{DbConn, Scope, StoreError, StoreResult};

use super::{ATTACHMENT, Certificate, Snapshot, TEMPLATE_EXPIRY, TEMPLATE_ISSUED, TEMPLATE_NOTICE};

fn learner_of(conn: &mut DbConn, person_id: i64) -> StoreResult<(String, Option<String>, Option<i64>, String)> {
    let person = crate::store::people::find(conn, &Scope::All, person_id)?;
    let account = crate::store::users::find_by_person(conn, person_id)?;
    let language = account.as_ref().map(|u| u.language.clone()).unwrap_or_else(|| "vi".into());
    let email = person.email.clone().filter(|e| !e.trim().is_empty()).or(account.as_ref().map(|u| u.email.clone()));
    Ok((person.full_name, email, account.map(|u| u.id), language))
}

fn email_data(c: &Certificate, s: &Snapshot) -> serde_json::Value {
    json!({
        "name": s.doc.full_name,
        "learner": s.doc.full_name,
        "class_name": s.doc.class_name,
        "register_number": c.register_number(),
        "issued_on": dates::format(c.issued_on),
        "valid_until": c.valid_until().map(dates::format),
        "code": format_code(&c.code),
        "verify_url": s.doc.verify_url,
    })
}

/// The learner's email with the PDF attached (read from the certificate when it is sent).
pub(super) fn queue_learner_email(conn: &mut DbConn, domain: &str, c: &Certificate, s: &Snapshot) -> StoreResult<bool> {
    let (name, email, user_id, language) = learner_of(conn, c.person_id)?;
    let Some(email) = email else { return Ok(false) };
    let message = NewEmail {
        key: format!("certificate-issued:{}", c.id),
        to_email: email,
        to_name: name,
        user_id,
        person_id: Some(c.person_id),
        template: TEMPLATE_ISSUED.into(),
        language,
        data: email_data(c, s),
        attachment: Some((ATTACHMENT.into(), c.id)),
    };
    outbox::enqueue(conn, &message, domain)
}

/// One notice per secretary listing their people's new certificates.
pub(super) fn queue_secretary_notices(
    conn: &mut DbConn,
    domain: &str,
    class: &Class,
    new: &[Certificate],
) -> StoreResult<()> {
    let Some(first) = new.first() else { return Ok(()) };
    let mut per_secretary: BTreeMap<i64, (String, String, String, Vec<serde_json::Value>)> = BTreeMap::new();
    for c in new {
        let unit: i64 = people::table.find(c.person_id).select(people::org_unit_id).first(conn)?;
        let s = c.snapshot();
        for (user_id, name, email) in crate::store::orgs::secretaries_of(conn, unit)? {
            let language = crate::store::users::find(conn, user_id)?.language;
            per_secretary.entry(user_id).or_insert_with(|| (name, email, language, Vec::new())).3.push(json!({
                "name": s.doc.full_name,
                "register_number": c.register_number(),
                "valid_until": c.valid_until().map(dates::format),
            }));
        }
    }
    let program = crate::store::programs::find(conn, class.program_id)?;
    for (user_id, (name, email, language, learners)) in per_secretary {
        let message = NewEmail {
            key: format!("certificate-notice:{}:{}:{user_id}", class.id, first.id),
            to_email: email,
            to_name: name.clone(),
            user_id: Some(user_id),
            person_id: None,
            template: TEMPLATE_NOTICE.into(),
            language,
            data: json!({
                "name": name,
                "class_name": class_names::full_name(&program.name, class.ordinal, class.year),
                "learners": learners,
            }),
            attachment: None,
        };
        outbox::enqueue(conn, &message, domain)?;
    }
    Ok(())
}

/// Queues the expiry reminders due on `today`: for each valid certificate that expires within
/// `REMINDER_DAYS`, once to the learner and once to each secretary of their unit. Returns how
/// many messages were queued (a second run the same day queues none).
pub fn queue_reminders(conn: &mut DbConn, domain: &str, today: Date) -> StoreResult<usize> {
    let horizon = today + Duration::days(rules::REMINDER_DAYS);
    let due: Vec<Certificate> = certificates::table
        .filter(certificates::status.eq(CertificateStatus::Valid.code()))
        .filter(certificates::expires_on.gt(today))
        .filter(certificates::expires_on.le(horizon))
        .order(certificates::id)
        .select(Certificate::as_select())
        .load(conn)?;
    let mut queued = 0;
    for c in due.into_iter().filter(|c| rules::reminder_due(c.expires_on, today)) {
        crate::store::write_tx(conn, |conn| {
            let s = c.snapshot();
            let mut data = email_data(&c, &s);
            data["expires_on"] = json!(c.expires_on.map(dates::format));
            let (name, email, user_id, language) = learner_of(conn, c.person_id)?;
            if let Some(email) = email {
                let message = NewEmail {
                    key: format!("certificate-expiry:{}:learner", c.id),
                    to_email: email,
                    to_name: name,
                    user_id,
                    person_id: Some(c.person_id),
                    template: TEMPLATE_EXPIRY.into(),
                    language,
                    data: data.clone(),
                    attachment: None,
                };
                queued += usize::from(outbox::enqueue(conn, &message, domain)?);
            }
            let unit: i64 = people::table.find(c.person_id).select(people::org_unit_id).first(conn)?;
            for (secretary, name, email) in crate::store::orgs::secretaries_of(conn, unit)? {
                let mut data = data.clone();
                data["name"] = json!(name);
                let message = NewEmail {
                    key: format!("certificate-expiry:{}:secretary:{secretary}", c.id),
                    to_email: email,
                    to_name: name,
                    user_id: Some(secretary),
                    person_id: None,
                    template: TEMPLATE_EXPIRY.into(),
                    language: crate::store::users::find(conn, secretary)?.language,
                    data,
                    attachment: None,
                };
                queued += usize::from(outbox::enqueue(conn, &message, domain)?);
            }
            Ok::<_, StoreError>(())
        })?;
    }
    Ok(queued)
}

/// Whether the learner's email about a certificate was accepted by the mail server.
pub fn emailed(conn: &mut DbConn, ids: &[i64]) -> StoreResult<HashMap<i64, bool>> {
    use crate::db::schema::outbox as o;
    let keys: Vec<String> = ids.iter().map(|id| format!("certificate-issued:{id}")).collect();
    let rows: Vec<(String, String)> =
        o::table.filter(o::message_key.eq_any(&keys)).select((o::message_key, o::status)).load(conn)?;
    Ok(rows
        .into_iter()
        .filter_map(|(key, status)| {
            key.strip_prefix("certificate-issued:")
                .and_then(|id| id.parse().ok())
                .map(|id: i64| (id, status == outbox::SENT))
        })
        .collect())
}
