//! The demo's nominations: a class taking them, with some decided.

use crate::db::DbConn;
use crate::store::audit::Actor;
use crate::store::{orgs, users};

/// The chi bộ whose nominations came on paper and were entered by the training office (Chi bộ
/// thôn 1 — Đảng bộ xã Ea Kar has no secretary account).
const PAPER_CELL: &str = "Chi bộ thôn 1";

/// Nominations waiting for the school: the demo secretary's people, and those of a chi bộ without
/// an account entered by staff, sent to the class taking nominations; two approved, one rejected
/// with a reason, one on the waiting list, the others waiting. The decisions queue no email (the
/// demo's outbox holds only the registry's invitations). Runs after the classes are made (it
/// looks the class up by its status).
pub(super) fn load_nominations(conn: &mut DbConn) -> anyhow::Result<()> {
    use crate::domain::class::ClassStatus;
    use crate::domain::enrolment::{AWARENESS_PROGRAM, Decision};
    use crate::store::classes::{self, ClassFilter};
    use crate::store::enrolments;

    let today = crate::domain::dates::today();
    let nominating = |conn: &mut DbConn| -> anyhow::Result<Vec<crate::store::classes::ClassRow>> {
        let mut open =
            classes::list(conn, &ClassFilter { status: Some(ClassStatus::Nominating), ..Default::default() })?;
        open.sort_by_key(|c| (c.program_code != AWARENESS_PROGRAM, c.first_day));
        Ok(open)
    };
    let Some(class) = nominating(conn)?.into_iter().next() else { return Ok(()) };

    let staff =
        users::find_by_email(conn, "giaovu@boiduong.test")?.ok_or_else(|| anyhow::anyhow!("no staff account"))?;
    let staff = Actor { user_id: Some(staff.id), label: staff.email };
    let now = crate::domain::dates::now();
    let program = crate::store::programs::find(conn, class.program_id)?;
    let wanted = crate::domain::person::Status::parse(match program.code.as_str() {
        AWARENESS_PROGRAM => "candidate",
        _ => "probationary",
    })
    .expect("a known status");

    let secretary =
        users::find_by_email(conn, "bithu@boiduong.test")?.ok_or_else(|| anyhow::anyhow!("no secretary"))?;
    let secretary = users::account(conn, secretary.id)?;
    let paper_cell = orgs::all(conn)?
        .into_iter()
        .find(|u| u.name == PAPER_CELL)
        .ok_or_else(|| anyhow::anyhow!("no {PAPER_CELL}"))?;
    let mut sent = Vec::new();
    for (by, scope, count) in [
        (
            Actor { user_id: Some(secretary.user.id), label: secretary.user.email.clone() },
            orgs::scope_for(conn, &secretary)?,
            6,
        ),
        (staff.clone(), crate::store::Scope::Units(vec![paper_cell.id]), 3),
    ] {
        let people: Vec<i64> = enrolments::to_train(conn, &scope)?
            .into_iter()
            .filter(|p| crate::domain::person::Status::parse(&p.status) == Some(wanted))
            .map(|p| p.id)
            .collect();
        // One by one: people already on another class's roster are refused and passed over.
        let mut taken = 0;
        for person in people {
            if taken == count {
                break;
            }
            if let Ok(ids) = enrolments::nominate(conn, &by, &scope, class.id, &[person], now)? {
                sent.extend(ids);
                taken += 1;
            }
        }
    }
    if sent.len() < 4 {
        anyhow::bail!("the demo has too few people to nominate");
    }
    // The first of each chi bộ approved, one rejected with its reason, one on the waiting list.
    let reason = "Chưa đủ thời gian phấn đấu theo quy định; đề nghị cử vào khóa sau.";
    let chosen = [
        (sent[0], Decision::Approve),
        (sent[sent.len() - 1], Decision::Approve),
        (sent[1], Decision::Reject { reason: reason.into() }),
        (sent[2], Decision::Waitlist),
    ];
    for (id, decision) in chosen {
        if let Err(refused) = enrolments::decide(conn, &staff, class.id, id, &decision, today, now)? {
            anyhow::bail!("demo decision refused: {refused:?}");
        }
    }
    Ok(())
}
