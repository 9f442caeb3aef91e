//! Certificate PDF throughput: N different certificates (names, units, dates, codes and QR codes
//! all vary) rendered on every core with std threads, next to the same generator rendering one
//! fixed certificate N times in the same run (the ceiling). Prints certificates per second and
//! the average and largest PDF size. Run with
//! `cargo run --release --example certificates_bench [N]`.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread;
use std::time::Instant;

use boiduong::domain::{certificate, dates};
use boiduong::pdf::{CertificateDoc, Letterhead, Signer};
use time::{Date, Duration, Month};

const FAMILY: [&str; 14] =
    ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô"];
const MIDDLE: [&str; 10] = ["Văn", "Thị", "Hữu", "Đức", "Thị Thu", "Ngọc", "Minh", "Quang", "Thị Mỹ", "Tôn Nữ Thị"];
const GIVEN: [&str; 17] = [
    "An", "Bình", "Cường", "Dũng", "Hằng", "Hương", "Lan", "Long", "Nam", "Phương", "Quỳnh", "Sơn", "Thảo", "Tuấn",
    "Uyên", "Yến", "Đạt",
];
const UNITS: [&str; 6] = [
    "Chi bộ thôn 1 — Đảng bộ xã Ea Kar",
    "Chi bộ buôn Ko Siêr — Đảng bộ phường Tân Lợi",
    "Chi bộ Trường THPT Nguyễn Du — Đảng bộ phường Buôn Ma Thuột",
    "Chi bộ khu phố 3 — Đảng bộ phường Tuy Hòa",
    "Chi bộ thôn Ea Bông — Đảng bộ xã Krông Ana",
    "Chi bộ Trường Trung học phổ thông chuyên Lương Văn Chánh — Đảng bộ Khối các cơ quan và doanh nghiệp tỉnh",
];
const HOME_TOWNS: [&str; 4] = [
    "xã Hòa Thắng, tỉnh Đắk Lắk",
    "phường Tuy Hòa, tỉnh Đắk Lắk",
    "xã Ea Kar, tỉnh Đắk Lắk",
    "xã Xuân Lộc, tỉnh Đắk Lắk",
];
const GRADES: [&str; 3] = ["Giỏi", "Khá", "Trung bình"];

fn different(i: usize) -> CertificateDoc {
    let issued = Date::from_calendar_date(2026, Month::June, 5).unwrap() + Duration::days((i % 200) as i64);
    let first = issued - Duration::days(24);
    let born = Date::from_calendar_date(1975 + (i % 30) as i32, Month::January, 1).unwrap()
        + Duration::days((i * 37 % 365) as i64);
    let mut random = [0u8; 10];
    for (k, b) in random.iter_mut().enumerate() {
        *b = (i.wrapping_mul(2654435761).rotate_left(k as u32 * 5) >> (k % 4)) as u8;
    }
    let code = certificate::verification_code(&random);
    // The school's two campuses date their documents with their own place.
    let place = ["Buôn Ma Thuột", "Tuy Hòa"][i % 2];
    CertificateDoc {
        letterhead: Letterhead::new("Đảng bộ tỉnh Đắk Lắk", "Trường Chính trị tỉnh Đắk Lắk", place, issued),
        wording: "Đã hoàn thành chương trình bồi dưỡng nhận thức về Đảng".into(),
        full_name: format!("{} {} {}", FAMILY[i % 14], MIDDLE[(i / 14) % 10], GIVEN[(i * 7) % 17]),
        birth_date: dates::format(born),
        home_town: HOME_TOWNS[i % 4].into(),
        unit: UNITS[i % 6].into(),
        class_name: format!("Lớp bồi dưỡng nhận thức về Đảng khóa {} năm 2026", ["I", "II", "III", "IV"][i % 4]),
        studied_from: dates::format(first),
        studied_to: dates::format(first + Duration::days(11)),
        venue: "Trường Chính trị tỉnh Đắk Lắk, phường Buôn Ma Thuột".into(),
        grade: GRADES[i % 3].into(),
        register_number: certificate::register_number(i as i32 + 1, 2026),
        valid_until: Some(dates::format(issued + Duration::days(365 * 5))),
        verify_url: CertificateDoc::verify_url("https://boiduong.truongchinhtri.daklak.gov.vn", &code),
        code,
        signer: Signer {
            delegation: "KT. HIỆU TRƯỞNG".into(),
            title: "PHÓ HIỆU TRƯỞNG".into(),
            name: "Lê Thị Thu Hà".into(),
        },
    }
}

struct Run {
    per_second: f64,
    /// CPU time (user + system, all threads) per certificate: unlike the rate, it does not drop
    /// when other work shares the cores.
    cpu_ms: Option<f64>,
    average_bytes: usize,
    max_bytes: usize,
}

/// This process's CPU time so far in seconds, from /proc (Linux); None elsewhere.
fn cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // Fields after the command name (which is in parentheses and may hold spaces).
    let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
    let ticks: f64 = fields.get(11)?.parse::<f64>().ok()? + fields.get(12)?.parse::<f64>().ok()?;
    Some(ticks / 100.0)
}

/// Renders certificates 0..n on `threads` threads, each taking the next index.
fn run(n: usize, threads: usize, make: &(dyn Fn(usize) -> CertificateDoc + Sync)) -> Run {
    let next = AtomicUsize::new(0);
    let cpu_before = cpu_seconds();
    let start = Instant::now();
    let sizes: Vec<usize> = thread::scope(|scope| {
        let workers: Vec<_> = (0..threads)
            .map(|_| {
                scope.spawn(|| {
                    let mut sizes = Vec::new();
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        if i >= n {
                            return sizes;
                        }
                        let pdf = boiduong::pdf::certificate::render(&make(i));
                        assert!(pdf.starts_with(b"%PDF-"));
                        sizes.push(pdf.len());
                    }
                })
            })
            .collect();
        workers.into_iter().flat_map(|w| w.join().expect("a worker finished")).collect()
    });
    let elapsed = start.elapsed().as_secs_f64();
    let cpu_ms = cpu_before.zip(cpu_seconds()).map(|(before, after)| (after - before) * 1000.0 / n as f64);
    Run {
        per_second: n as f64 / elapsed,
        cpu_ms,
        average_bytes: sizes.iter().sum::<usize>() / sizes.len().max(1),
        max_bytes: sizes.iter().copied().max().unwrap_or(0),
    }
}

fn main() {
    let n: usize = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(1000);
    let threads = thread::available_parallelism().map_or(2, |p| p.get());
    // Fonts are parsed once, on first use: not part of what is measured.
    boiduong::pdf::certificate::render(&different(0));

    let fixed_doc = different(1);
    let fixed = run(n, threads, &|_| fixed_doc.clone());
    let varied = run(n, threads, &different);

    let ms = |run: &Run| run.cpu_ms.map_or("n/a".to_owned(), |ms| format!("{ms:.1}"));
    println!(
        "certificates | threads | fixed content (cert/s) | different content (cert/s) | different ÷ fixed | CPU ms per certificate (fixed / different) | average size | largest size"
    );
    println!("--- | --- | --- | --- | --- | --- | --- | ---");
    println!(
        "{n} | {threads} | {:.0} | {:.0} | {:.2} | {} / {} | {:.1} KB | {:.1} KB",
        fixed.per_second,
        varied.per_second,
        varied.per_second / fixed.per_second,
        ms(&fixed),
        ms(&varied),
        varied.average_bytes as f64 / 1024.0,
        varied.max_bytes as f64 / 1024.0,
    );
    assert!(varied.max_bytes <= 40 * 1024, "a certificate is at most 40 KB");
}
