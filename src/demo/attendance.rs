//! The demo's attendance: the running and assessing classes' sheets, with absences, a make-up
//! and learners over the limit.

use super::population::Dice;
use crate::db::DbConn;
use crate::mail::invitations::MailContext;
use crate::store::audit::Actor;

/// Reasons learners give for an excused absence.
const ABSENCE_REASONS: [&str; 6] = [
    "Ốm, có giấy xác nhận của trạm y tế xã",
    "Đi công tác theo quyết định của cơ quan",
    "Việc gia đình (đám cưới em gái), đã xin phép lớp",
    "Con nhỏ ốm, đã báo giáo viên chủ nhiệm lớp",
    "Họp chi bộ đột xuất tại cơ sở",
    "Trực phòng chống bão lũ theo phân công của xã",
];

/// Attendance in the classes the demo has: the running class for its sessions held so far
/// (by `now`, local time), the assessing and closed classes for all of them (in the closed
/// class, whose results are locked, nobody missed more than one session, with a reason). Most learners attend (a few
/// late); some miss a session with a reason or without one; two learners of the assessing
/// class and one of the running class (when it has had three sessions) miss more than the
/// program allows — their limit emails are queued; one learner of the assessing class made a
/// session up in another class's session of the same lesson. Deterministic, and a no-op when
/// no class is running or assessing.
pub fn attendance(conn: &mut DbConn, mail: &MailContext, now: time::PrimitiveDateTime) -> anyhow::Result<()> {
    use crate::domain::attendance::Mark;
    use crate::domain::class::ClassStatus;
    use crate::store::attendance::{self as marks, LineInput, SaveRequest};
    use crate::store::classes::{self, ClassFilter};
    use crate::store::sessions;

    let actor = Actor::system("dữ liệu mẫu");
    let mut dice = Dice(0xA77E_4DA4_CE11);
    let all = classes::list(conn, &ClassFilter::default())?;
    let taking: Vec<(i64, ClassStatus)> = all
        .iter()
        .filter_map(|c| match ClassStatus::parse(&c.status) {
            Some(status @ (ClassStatus::Running | ClassStatus::Assessing | ClassStatus::Closed)) => {
                Some((c.id, status))
            }
            _ => None,
        })
        .collect();
    let mut made_up = false;
    for (class_id, status) in taking {
        let (assessing, closed) = (status == ClassStatus::Assessing, status == ClassStatus::Closed);
        let held: Vec<sessions::Session> = sessions::of_class(conn, class_id)?
            .into_iter()
            .filter(|s| status != ClassStatus::Running || s.starts_at <= now)
            .collect();
        let mut missed_once = std::collections::HashSet::new();
        let class = classes::find(conn, class_id)?;
        let program = crate::store::programs::find(conn, class.program_id)?;
        let learners = marks::learners(conn, class_id, &crate::store::Scope::All)?;
        // Who misses more than allowed: the 3rd learner of the assessing class and one in the
        // middle of its list, the 5th of the running one (once it has had three sessions).
        let over: Vec<usize> = if assessing {
            vec![2, learners.len() / 2 + 1]
        } else if held.len() >= 3 {
            vec![4]
        } else {
            vec![]
        };
        for (k, session) in held.iter().enumerate() {
            let mut lines = Vec::with_capacity(learners.len());
            for (i, learner) in learners.iter().enumerate() {
                if !crate::domain::attendance::on_sheet(
                    session.starts_at.date(),
                    learner.enrolled_on,
                    learner.withdrawn_on,
                ) {
                    continue;
                }
                let roll = dice.below(100);
                let (mark, reason) = if closed {
                    if roll < 4 && missed_once.insert(i) {
                        (Mark::Excused, dice.pick(&ABSENCE_REASONS))
                    } else if roll < 11 {
                        (Mark::Late, "")
                    } else {
                        (Mark::Present, "")
                    }
                } else if over.contains(&i) && k < 3 {
                    if k == 1 { (Mark::Unexcused, "") } else { (Mark::Excused, dice.pick(&ABSENCE_REASONS)) }
                } else if roll < 4 {
                    (Mark::Excused, dice.pick(&ABSENCE_REASONS))
                } else if roll < 6 {
                    (Mark::Unexcused, "")
                } else if roll < 11 {
                    (Mark::Late, "")
                } else {
                    (Mark::Present, "")
                };
                lines.push(LineInput {
                    enrolment_id: learner.enrolment_id,
                    mark,
                    reason: reason.to_owned(),
                    made_up_session_id: None,
                    seen_version: 0,
                });
            }
            // One make-up: the first learner of the assessing class missed this lesson and
            // attended it in another class's session held since.
            if assessing && !made_up && session.lesson_id.is_some() {
                let elsewhere = marks::make_up_options(conn, session, now)?;
                let later = elsewhere.iter().find(|o| o.session.starts_at > session.starts_at);
                if let (Some(other), Some(line)) = (later.or(elsewhere.first()), lines.first_mut()) {
                    line.mark = Mark::MadeUp;
                    line.reason.clear();
                    line.made_up_session_id = Some(other.session.id);
                    made_up = true;
                }
            }
            let saved = marks::save_sheet(
                conn,
                &actor,
                &SaveRequest {
                    session,
                    class: &class,
                    program: &program,
                    lines: &lines,
                    source: marks::SOURCE_SHEET,
                    may_record_make_up: true,
                    amendment_reason: None,
                    now_local: now,
                    now_utc: crate::domain::dates::now(),
                    message_id_domain: &mail.message_id_domain,
                },
            )?;
            if let Err(problems) = saved {
                anyhow::bail!("dữ liệu mẫu: điểm danh buổi {} không lưu được: {problems:?}", session.seq);
            }
        }
    }
    Ok(())
}
