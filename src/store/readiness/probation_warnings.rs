//! The month-9 warnings of the probation clock: one email to each secretary, once.

use diesel::prelude::*;
use serde_json::json;
use time::Date;

use crate::db::schema::{org_units, people};
use crate::domain::dates;
use crate::domain::person::{Status, add_months};
use crate::domain::probation;
use crate::store::outbox::{self, NewEmail};
use crate::store::{DbConn, StoreResult};

use super::TEMPLATE_PROBATION_WARNING;
use super::facts::{DossierPerson, certificates_of, holidays_from, probation_of};

/// Queues the month-9 warnings due on `today`: for each probationary member from month 9 until
/// the end of probation without a valid new-member certificate, one email to each secretary of
/// their chi bộ, with a link to the dossier. The key names the person and the ceremony date, so each is sent once (and
/// again only if the ceremony date is corrected). Returns how many were queued.
pub fn queue_probation_warnings(conn: &mut DbConn, domain: &str, public_url: &str, today: Date) -> StoreResult<usize> {
    // Ceremonies between 12 months and 9 months ago (a day of slack on either side for the
    // clamping of month ends; the rule below decides).
    let from = add_months(today, -probation::PROBATION_MONTHS) - time::Duration::days(3);
    let until = add_months(today, -probation::WARNING_MONTH) + time::Duration::days(3);
    let members: Vec<DossierPerson> = people::table
        .inner_join(org_units::table)
        .filter(people::status.eq(Status::Probationary.code()))
        .filter(people::ceremony_date.ge(from))
        .filter(people::ceremony_date.le(until))
        .order(people::id)
        .select(DossierPerson::as_select())
        .load(conn)?;
    let ids: Vec<i64> = members.iter().map(|p| p.id).collect();
    let certificates = certificates_of(conn, &ids)?;
    let holidays = holidays_from(conn, from)?;
    let mut queued = 0;
    for person in &members {
        let certs = certificates.get(&person.id).map(Vec::as_slice).unwrap_or_default();
        let Some(state) = probation_of(person, certs, &holidays, today) else { continue };
        if !state.warning {
            continue;
        }
        let unit = crate::store::orgs::label(conn, person.org_unit_id)?;
        for (secretary, name, email) in crate::store::orgs::secretaries_of(conn, person.org_unit_id)? {
            let language = crate::store::users::find(conn, secretary)?.language;
            let message = NewEmail {
                key: format!("probation-warning:{}:{}:{secretary}", person.id, dates::iso(state.dates.ceremony)),
                to_email: email,
                to_name: name.clone(),
                user_id: Some(secretary),
                person_id: None,
                template: TEMPLATE_PROBATION_WARNING.into(),
                language,
                data: json!({
                    "name": name,
                    "member": person.full_name,
                    "unit": unit,
                    "ceremony": dates::format(state.dates.ceremony),
                    "ends_on": dates::format(state.dates.ends_on),
                    "days_left": state.days_left,
                    "link": format!("{}/people/{}/dossier", public_url.trim_end_matches('/'), person.id),
                }),
                attachment: None,
            };
            queued += crate::store::write_tx(conn, |c| outbox::enqueue(c, &message, domain).map(usize::from))?;
        }
    }
    Ok(queued)
}
