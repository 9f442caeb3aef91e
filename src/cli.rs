//! The command line: serve, migrate, user, demo, import, outbox.

use std::process::ExitCode;

use anyhow::{Context, bail};
use clap::{Parser, Subcommand};

use crate::bootstrap::{self, Prepared};
use crate::config::Config;
use crate::credentials::password::Hasher;
use crate::credentials::token;
use crate::db;
use crate::domain::role::Role;
use crate::mail::{Mailer, worker};
use crate::startup::Application;
use crate::store::audit::Actor;
use crate::store::outbox;
use crate::store::users;

#[derive(Parser)]
#[command(name = "boiduong", version, about = "Quản lý lớp bồi dưỡng — Trường Chính trị tỉnh")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Start the web server (migrates the database first).
    Serve {
        /// Load the demo school into an empty database.
        #[arg(long)]
        demo: bool,
    },
    /// Apply pending database migrations and exit.
    Migrate,
    /// Load the demo school into an empty database and exit.
    Demo,
    /// Show the email outbox's counts; with --send, send what is due once (for cron).
    Outbox {
        #[arg(long)]
        send: bool,
    },
    /// Manage accounts.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// Import from files.
    Import {
        #[command(subcommand)]
        command: ImportCommand,
    },
}

#[derive(Subcommand)]
enum ImportCommand {
    /// A class's roster from an XLSX or CSV file: shows what would happen to each row; with
    /// --commit, imports it (the same checks as the web page).
    Roster {
        /// The .xlsx, .csv or .txt file.
        file: std::path::PathBuf,
        /// The class's id (the number in /classes/ID/roster).
        #[arg(long)]
        class: i64,
        /// Import the file; without it nothing is saved.
        #[arg(long)]
        commit: bool,
    },
}

#[derive(Subcommand)]
enum UserCommand {
    /// Create an account; prints its one-time password.
    Add {
        #[arg(long)]
        email: String,
        #[arg(long)]
        name: String,
        /// admin, staff, lecturer, secretary or learner; repeat for several.
        #[arg(long = "role", required = true)]
        roles: Vec<Role>,
        /// Org unit id a secretary is bound to; repeat for several.
        #[arg(long = "unit")]
        units: Vec<i64>,
    },
    /// Replace an account's roles.
    SetRoles {
        #[arg(long)]
        email: String,
        #[arg(long = "role", required = true)]
        roles: Vec<Role>,
        #[arg(long = "unit")]
        units: Vec<i64>,
    },
    /// Give an account a new one-time password (it must be changed at the next login).
    ResetPassword {
        #[arg(long)]
        email: String,
    },
}

pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let config = match Config::load() {
        Ok(c) => c,
        Err(e) => {
            eprintln!("{e:#}");
            return ExitCode::from(2);
        }
    };
    init_tracing(&config.log);
    match run(cli.command, config) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("Lỗi: {e:#}");
            ExitCode::FAILURE
        }
    }
}

pub fn init_tracing(filter: &str) {
    let filter = tracing_subscriber::EnvFilter::try_new(filter).unwrap_or_else(|_| "info".into());
    let _ = tracing_subscriber::fmt().with_env_filter(filter).with_target(false).try_init();
}

fn run(command: Command, config: Config) -> anyhow::Result<()> {
    match command {
        Command::Serve { demo } => serve(config, demo),
        Command::Migrate => {
            db::connect(&config.database_url, 1)?;
            println!("Cơ sở dữ liệu đã được cập nhật.");
            Ok(())
        }
        Command::Demo => {
            let pool = db::connect(&config.database_url, 1)?;
            let prepared = bootstrap::prepare(&pool, &config, true)?;
            if prepared == Prepared::Existing {
                bail!("Cơ sở dữ liệu đã có tài khoản; dữ liệu mẫu chỉ nạp vào cơ sở dữ liệu trống.");
            }
            report(&prepared);
            Ok(())
        }
        Command::User { command } => user(command, &config),
        Command::Import { command: ImportCommand::Roster { file, class, commit } } => {
            import_roster(&config, &file, class, commit)
        }
        Command::Outbox { send } => outbox(&config, send),
    }
}

fn serve(config: Config, demo: bool) -> anyhow::Result<()> {
    crate::startup::return_large_blocks_to_the_os();
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    runtime.block_on(async move {
        let pool = db::connect(&config.database_url, config.db_pool_size)?;
        let prepared = bootstrap::prepare(&pool, &config, demo)?;
        report(&prepared);
        let listener = std::net::TcpListener::bind(config.bind_addr()?)
            .with_context(|| format!("Không mở được cổng {}", config.bind))?;
        let bind = config.bind.clone();
        let app = Application::build_on(listener, pool, config)?;
        println!("Boiduong đang chạy tại http://{bind}/");
        app.run_until_stopped().await?;
        Ok(())
    })
}

fn outbox(config: &Config, send: bool) -> anyhow::Result<()> {
    let pool = db::connect(&config.database_url, 2)?;
    if send {
        let mailer = Mailer::from_config(config)?;
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
        let report = runtime.block_on(worker::send_due(&pool, &mailer))?;
        println!(
            "Đã gửi {} thư, {} thư sẽ gửi lại sau, {} thư thất bại ({}).",
            report.sent,
            report.retried,
            report.failed,
            mailer.transport.describe()
        );
    }
    let mut conn = pool.get()?;
    for (status, count) in outbox::counts(&mut conn)? {
        println!("{:<8} {count}", status);
    }
    Ok(())
}

fn report(prepared: &Prepared) {
    match prepared {
        Prepared::Existing => {}
        Prepared::FirstAdmin { email, password } => {
            println!("Đã tạo tài khoản quản trị đầu tiên: {email}");
            println!("Mật khẩu dùng một lần (chỉ hiển thị lần này, đổi ngay sau khi đăng nhập): {password}");
        }
        Prepared::Demo { password, generated } => {
            println!(
                "Đã nạp dữ liệu mẫu. Tài khoản: admin@boiduong.test, giaovu@boiduong.test, giangvien@boiduong.test, bithu@boiduong.test, hocvien@boiduong.test"
            );
            if *generated {
                println!("Mật khẩu (BOIDUONG_DEMO_PASSWORD chưa đặt, đã tạo ngẫu nhiên): {password}");
            } else {
                println!("Mật khẩu: giá trị của BOIDUONG_DEMO_PASSWORD");
            }
        }
    }
}

fn user(command: UserCommand, config: &Config) -> anyhow::Result<()> {
    let pool = db::connect(&config.database_url, 1)?;
    let mut conn = pool.get()?;
    let actor = Actor::system("dòng lệnh");
    match command {
        UserCommand::Add { email, name, roles, units } => {
            let one_time = token::random_password();
            users::create(
                &mut conn,
                &actor,
                &users::NewUser {
                    email: email.clone(),
                    display_name: name,
                    password_hash: Some(hash_one_time(config, &one_time)?),
                    roles,
                    secretary_units: units,
                    person_id: None,
                    one_time_password_until: Some(config.one_time_password_until()),
                },
            )
            .map_err(|e| anyhow::anyhow!("Không tạo được tài khoản {email}: {e}"))?;
            println!(
                "Đã tạo tài khoản {email}. Mật khẩu dùng một lần (dùng được trong {} giờ): {one_time}",
                config.one_time_password_hours
            );
        }
        UserCommand::SetRoles { email, roles, units } => {
            let user =
                users::find_by_email(&mut conn, &email)?.with_context(|| format!("Không có tài khoản {email}"))?;
            users::update(&mut conn, &actor, user.id, &user.display_name, &roles, &units, user.active)
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            println!("Đã cập nhật vai trò của {email}.");
        }
        UserCommand::ResetPassword { email } => {
            let user =
                users::find_by_email(&mut conn, &email)?.with_context(|| format!("Không có tài khoản {email}"))?;
            let one_time = token::random_password();
            let hash = hash_one_time(config, &one_time)?;
            users::set_password(&mut conn, &actor, user.id, &hash, Some(config.one_time_password_until()))
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            println!(
                "Mật khẩu dùng một lần mới của {email} (dùng được trong {} giờ): {one_time}",
                config.one_time_password_hours
            );
        }
    }
    Ok(())
}

/// Hashes through the same limiter the server uses.
fn hash_one_time(config: &Config, password: &str) -> anyhow::Result<String> {
    let hasher = Hasher::from_config(config);
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    Ok(runtime.block_on(hasher.hash(password))?)
}

/// `boiduong import roster FILE --class ID [--commit]`: the preview as the web page shows it, in
/// text, then the commit in one transaction, with a progress bar on a terminal.
fn import_roster(config: &Config, file: &std::path::Path, class_id: i64, commit: bool) -> anyhow::Result<()> {
    use crate::i18n::{Lang, t};
    use crate::import::roster::Severity;
    use crate::store::imports;
    use indicatif::{ProgressBar, ProgressStyle};

    let bytes = std::fs::read(file).with_context(|| format!("Không đọc được tệp {}", file.display()))?;
    if bytes.len() > config.import_max_bytes {
        bail!(
            "Tệp {} ({} byte) lớn hơn giới hạn {} byte (BOIDUONG_IMPORT_MAX_BYTES).",
            file.display(),
            bytes.len(),
            config.import_max_bytes
        );
    }
    let pool = db::connect(&config.database_url, 1)?;
    let mut conn = pool.get()?;
    let class =
        crate::store::classes::find(&mut conn, class_id).map_err(|_| anyhow::anyhow!("Không có lớp số {class_id}."))?;
    let program = crate::store::programs::find(&mut conn, class.program_id)?;
    println!("Lớp: {}", crate::domain::class::full_name(&program.name, class.ordinal, class.year));

    let bar = ProgressBar::new(3).with_style(
        ProgressStyle::with_template("{spinner} {msg:24} [{bar:30}] {pos}/{len} ({elapsed})")
            .expect("a valid template")
            .progress_chars("=> "),
    );
    bar.set_message("Đọc tệp");
    let table =
        crate::import::read(&bytes).map_err(|e| anyhow::anyhow!("{}: {}", file.display(), e.message(Lang::Vi)))?;
    println!("Tệp: {} — {}", file.display(), t(Lang::Vi, table.format.label_key()));
    bar.inc(1);
    bar.set_message("Kiểm tra từng dòng");
    let (today, now) = (config.clock.today(), config.clock.now_utc());
    let plan = match imports::preview(&mut conn, class_id, &table, today)? {
        Ok(plan) => plan,
        Err(problems) => {
            bar.finish_and_clear();
            let lines: Vec<String> = problems.iter().map(|p| p.message(Lang::Vi)).collect();
            bail!("Tệp không phải danh sách học viên đọc được:\n  {}", lines.join("\n  "));
        }
    };
    bar.inc(1);
    let summary = plan.summary();
    let committed = if commit {
        bar.set_message("Ghi vào cơ sở dữ liệu");
        bar.set_length(2 + summary.enrolling() as u64);
        let mail = crate::mail::invitations::MailContext::for_config(config);
        let actor = Actor::system("nhập từ tệp (dòng lệnh)");
        let mut invited = 0;
        let mut after =
            |c: &mut db::DbConn,
             learners: &[(crate::store::people::Person, Option<crate::store::enrolments::Enrolment>)]| {
                invited += crate::mail::nominations::learners_enrolled(c, &mail, &actor, learners)?;
                bar.inc(learners.len() as u64);
                Ok(())
            };
        match imports::import(&mut conn, &actor, class_id, &table, today, now, &mut after) {
            Ok(Ok((plan, done))) => Some((plan, done, invited)),
            Ok(Err(problems)) => {
                bar.finish_and_clear();
                let lines: Vec<String> = problems.iter().map(|p| p.message(Lang::Vi)).collect();
                bail!("{}", lines.join("\n"));
            }
            Err(crate::store::StoreError::Conflict(key)) => {
                bar.finish_and_clear();
                bail!("{}", t(Lang::Vi, key));
            }
            Err(e) => return Err(e.into()),
        }
    } else {
        bar.inc(1);
        None
    };
    bar.finish_and_clear();

    let plan = committed.as_ref().map_or(&plan, |(plan, _, _)| plan);
    let summary = plan.summary();
    for (key, n) in [
        ("import.summary.rows", summary.rows),
        ("import.summary.create", summary.create),
        ("import.summary.enrol", summary.enrol),
        ("import.summary.approve", summary.approve),
        ("import.summary.skipped", summary.skipped),
        ("import.summary.errors", summary.with_errors),
        ("import.summary.warnings", summary.with_warnings),
    ] {
        println!("{}: {n}", t(Lang::Vi, key));
    }
    for row in plan.rows.iter().filter(|r| !r.problems.is_empty()) {
        println!("Dòng {} — {}: {}", row.line, row.fields.full_name, t(Lang::Vi, row.action.key()));
        for p in &row.problems {
            let kind = if p.severity == Severity::Error { "Lỗi" } else { "Cảnh báo" };
            println!("  {kind}: {}", p.message(Lang::Vi));
        }
    }
    match committed {
        Some((plan, done, invited)) => println!(
            "Đã nhập: {} người mới, {} người đã có hồ sơ được ghi danh, {} đề nghị được duyệt; {} dòng bỏ qua; {} thư mời chờ gửi.",
            done.created,
            done.enrolled,
            done.approved,
            plan.summary().skipped,
            invited
        ),
        None if summary.enrolling() > 0 => {
            println!("Chưa lưu gì. Chạy lại với --commit để nhập {} học viên.", summary.enrolling())
        }
        None => println!("Chưa lưu gì: không có học viên nào để nhập từ tệp này."),
    }
    Ok(())
}
