//! The demo's ~200 people: the seeded dice, the Kinh and Ê Đê names and hometowns they are
//! drawn from, and the generator that spreads them over the cells.

use super::date;
use crate::domain::{citizen_id, names, person::Sex};
use crate::store::people::PersonInput;

/// A small deterministic generator (xorshift), so the demo needs no random crate and is the
/// same on every machine.
pub(super) struct Dice(pub(super) u64);

impl Dice {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    pub(super) fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    pub(super) fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

const FAMILY: [&str; 15] = [
    "Nguyễn", "Nguyễn", "Nguyễn", "Trần", "Trần", "Lê", "Lê", "Phạm", "Hoàng", "Huỳnh", "Võ", "Phan", "Đặng", "Bùi",
    "Đỗ",
];
const MIDDLE_M: [&str; 8] = ["Văn", "Văn", "Đức", "Minh", "Quốc", "Hữu", "Thanh", "Công"];
const MIDDLE_F: [&str; 8] = ["Thị", "Thị", "Thị Thu", "Ngọc", "Thanh", "Thị Mỹ", "Hồng", "Kim"];
const GIVEN_M: [&str; 20] = [
    "An", "Bình", "Cường", "Dũng", "Đức", "Hải", "Hiếu", "Hùng", "Huy", "Khoa", "Lâm", "Long", "Minh", "Nam", "Phong",
    "Quân", "Sơn", "Thắng", "Tuấn", "Vinh",
];
const GIVEN_F: [&str; 20] = [
    "Anh", "Ánh", "Chi", "Dung", "Giang", "Hà", "Hằng", "Hạnh", "Hoa", "Hương", "Lan", "Linh", "Mai", "My", "Ngân",
    "Nhung", "Oanh", "Phương", "Thảo", "Trang",
];
/// Ê Đê names: "Y" opens a man's name, "H'" a woman's; the personal name follows, the clan name
/// (sometimes with its branch, "Niê Kdăm") comes last.
const EDE_MEN: [&str; 10] = ["Ngông", "Bhim", "Djuat", "Kông", "Blin", "Thuât", "Jôn", "Wơn", "Yuin", "Tlang"];
const EDE_WOMEN: [&str; 10] = ["Hen", "Bia", "Yâo", "Juê", "Ngơn", "Duôn", "Rah", "Ly", "Hồng", "Mai"];
const EDE_CLANS: [&str; 9] = ["Niê", "Niê Kdăm", "Mlô", "Êban", "Ktla", "Byă", "Adrơng", "Knul", "Ayŭn"];
/// Where Ê Đê people in the demo come from.
const EDE_HOMETOWNS: [&str; 4] =
    ["Buôn Ma Thuột, Đắk Lắk", "Krông Pắc, Đắk Lắk", "Cư M'gar, Đắk Lắk", "Buôn Đôn, Đắk Lắk"];

const HOMETOWNS: [&str; 12] = [
    "Buôn Ma Thuột, Đắk Lắk",
    "Ea Kar, Đắk Lắk",
    "Krông Pắc, Đắk Lắk",
    "Cư M'gar, Đắk Lắk",
    "Tuy Hòa, Đắk Lắk",
    "Sông Cầu, Đắk Lắk",
    "Quảng Ngãi",
    "Nghệ An",
    "Hà Tĩnh",
    "Thái Bình",
    "Bình Định",
    "Thanh Hóa",
];

/// About 200 people: two thirds candidates, the rest probationary members with their decision
/// and ceremony dates, a few official members; spread over the cells, with the secretary's
/// cell well populated.
pub(super) fn generate_people(cells: &[i64], secretary_cell: i64) -> Vec<PersonInput> {
    let mut dice = Dice(0x5EED_B01D_0026);
    let mut out = Vec::with_capacity(204);
    for i in 0..204 {
        let sex = if dice.below(100) < 55 { Sex::Female } else { Sex::Male };
        // About one in eight is Ê Đê, as in the province's communes.
        let ede = dice.below(8) == 0;
        // The full name, and the two words the demo's email address is made of.
        let (full_name, given, family) = if ede {
            let clan = dice.pick(&EDE_CLANS);
            let (prefix, personal) = match sex {
                Sex::Male => ("Y ", dice.pick(&EDE_MEN)),
                Sex::Female => ("H'", dice.pick(&EDE_WOMEN)),
            };
            (format!("{prefix}{personal} {clan}"), personal, clan)
        } else {
            let family = dice.pick(&FAMILY);
            let (middle, given) = match sex {
                Sex::Male => (dice.pick(&MIDDLE_M), dice.pick(&GIVEN_M)),
                Sex::Female => (dice.pick(&MIDDLE_F), dice.pick(&GIVEN_F)),
            };
            (format!("{family} {middle} {given}"), given, family)
        };
        let birth_year = 1985 + dice.below(21) as i32;
        let birth = date(birth_year, 1 + dice.below(12) as u8, 1 + dice.below(28) as u8);
        let status_roll = dice.below(100);
        let (status, decision, ceremony) = if status_roll < 64 {
            ("candidate", None, None)
        } else if status_roll < 94 {
            let ceremony = date(2025 + dice.below(2) as i32, 1 + dice.below(12) as u8, 1 + dice.below(28) as u8);
            let ceremony = ceremony.min(date(2026, 11, 15));
            let decision = ceremony.saturating_sub(time::Duration::days(7 + dice.below(20) as i64));
            ("probationary", Some(decision), Some(ceremony))
        } else {
            ("official", None, None)
        };
        let org_unit_id = if i % 6 == 0 { secretary_cell } else { cells[dice.below(cells.len())] };
        let province_code = ["066", "054", "051", "040"][dice.below(4)];
        let century_sex = (birth_year / 100 - 19) * 2 + i32::from(sex == Sex::Female);
        let mut citizen = format!("{province_code}{century_sex}{:02}{:06}", birth_year % 100, 100_000 + i * 37);
        if i == 17 {
            // One record typed wrong, so the soft CCCD check has something to show.
            citizen.replace_range(3..4, if sex == Sex::Female { "0" } else { "1" });
        }
        debug_assert!(citizen_id::is_valid(&citizen));
        let login = names::fold(&format!("{given}.{family}")).replace(' ', "");
        let hometown = if ede { dice.pick(&EDE_HOMETOWNS) } else { dice.pick(&HOMETOWNS) };
        out.push(PersonInput {
            sort_name: names::derive_sort_name(&full_name),
            full_name,
            date_of_birth: birth,
            sex: sex.code().into(),
            hometown: hometown.into(),
            citizen_id: Some(citizen),
            email: (i % 5 != 4).then(|| format!("{login}{i}@example.vn")),
            phone: (i % 7 != 3).then(|| format!("09{:08}", 12_345_678 + i * 7_919)),
            org_unit_id,
            status: status.into(),
            admission_decision_date: decision,
            ceremony_date: ceremony,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn demo_people_are_valid_and_varied() {
        let people = generate_people(&[1, 2, 3], 1);
        assert!(people.len() >= 200);
        assert!(people.iter().all(|p| p.citizen_id.as_deref().is_some_and(citizen_id::is_valid)));
        assert!(people.iter().any(|p| p.status == "probationary" && p.ceremony_date.is_some()));
        assert!(people.iter().filter(|p| p.status == "candidate").count() > 100);
        let distinct: std::collections::HashSet<_> = people.iter().map(|p| &p.full_name).collect();
        assert!(distinct.len() > 150, "names repeat too much: {}", distinct.len());
    }

    #[test]
    fn ede_names_are_whole_and_match_the_sex() {
        let people = generate_people(&[1, 2, 3], 1);
        let men: Vec<&PersonInput> = people.iter().filter(|p| p.full_name.starts_with("Y ")).collect();
        let women: Vec<&PersonInput> = people.iter().filter(|p| p.full_name.starts_with("H'")).collect();
        assert!(men.len() >= 5 && women.len() >= 5, "{} men, {} women", men.len(), women.len());
        for p in men.iter().chain(&women) {
            let words: Vec<&str> = p.full_name.split(' ').collect();
            // Prefix and personal name, then a clan name: never a Kinh middle name.
            let clan = words[if p.full_name.starts_with("Y ") { 2 } else { 1 }..].join(" ");
            assert!(EDE_CLANS.contains(&clan.as_str()), "{}", p.full_name);
            assert!(EDE_MEN.contains(&p.sort_name.as_str()) || EDE_WOMEN.contains(&p.sort_name.as_str()));
        }
        assert!(men.iter().all(|p| p.sex == "M") && women.iter().all(|p| p.sex == "F"));
        // Kinh names have family, middle and given name, and are sorted by the given name.
        for p in people.iter().filter(|p| !p.full_name.starts_with("Y ") && !p.full_name.starts_with("H'")) {
            assert!(p.full_name.split(' ').count() >= 3 && p.full_name.ends_with(&p.sort_name), "{}", p.full_name);
        }
    }
}
