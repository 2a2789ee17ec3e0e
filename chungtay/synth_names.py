"""Name lists for the synthetic population (:mod:`chungtay.synth`).

Plain data, no logic. Weights are rough shares, only meant to make generated lists look
plausible: Kinh family names follow the usual frequency order (Nguyễn, Trần, Lê, ...);
Central Highlands groups (Xơ Đăng, Ba Na, Giẻ Triêng, Brâu, Rơ Măm) are mostly written
"A <name>" for men and "Y <name>" for women, sometimes with a Kinh-style family name
("Đinh Văn Blưm"); Gia Rai names start with a clan name (Rơ Châm, Siu, Ksor, ...);
northern groups that settled in Kon Tum (Mường, Thái, Tày, Nùng) use their own family
names with Kinh-style middle and given names. Every person generated is fictitious.
"""
from __future__ import annotations

# --- Kinh-style parts -------------------------------------------------------------------

KINH_FAMILY = {
    "Nguyễn": 31, "Trần": 11, "Lê": 9.5, "Phạm": 7, "Hoàng": 3, "Huỳnh": 3, "Phan": 4.5,
    "Vũ": 2.5, "Võ": 3, "Đặng": 2, "Bùi": 2, "Đỗ": 1.5, "Hồ": 1.5, "Ngô": 1.3, "Dương": 1,
    "Lý": 0.5, "Đinh": 0.8, "Trương": 0.8, "Đoàn": 0.6, "Lương": 0.5, "Mai": 0.5, "Cao": 0.5,
    "Tạ": 0.3, "Lâm": 0.3, "Hà": 0.5, "Châu": 0.3, "Tô": 0.3, "Thái": 0.3, "Nông": 0.1,
    "Trịnh": 0.5, "Kiều": 0.2, "Quách": 0.1, "Lưu": 0.4, "Văn": 0.2, "Tăng": 0.2,
}

KINH_MIDDLE_M = {
    "Văn": 38, "Đức": 7, "Minh": 7, "Quang": 5, "Hữu": 5, "Công": 4, "Thanh": 4, "Ngọc": 3,
    "Xuân": 3, "Đình": 4, "Tuấn": 2, "Bá": 2, "Trọng": 3, "Anh": 3, "Quốc": 3, "Thành": 2,
    "Hoàng": 2, "Gia": 2, "Tấn": 2, "Thế": 2, "Viết": 1, "Duy": 2, "Nhật": 1.5, "Bảo": 1.5,
}

KINH_MIDDLE_F = {
    "Thị": 50, "Ngọc": 6, "Thu": 5, "Thanh": 4, "Minh": 3, "Hồng": 4, "Kim": 4, "Phương": 3,
    "Bảo": 2, "Mai": 2, "Ánh": 1.5, "Khánh": 2, "Diệu": 1, "Thùy": 3, "Hoài": 1.5, "Mỹ": 2,
    "Bích": 1.5, "Quỳnh": 1.5, "Tuyết": 1, "Hải": 1,
}

KINH_GIVEN_M = [
    "An", "Bình", "Cường", "Dũng", "Đạt", "Hùng", "Hải", "Hiếu", "Huy", "Khánh", "Long",
    "Minh", "Nam", "Phong", "Quân", "Sơn", "Thắng", "Thành", "Tuấn", "Trung", "Việt",
    "Vinh", "Hòa", "Lâm", "Lộc", "Phúc", "Tài", "Tâm", "Thịnh", "Toàn", "Trí", "Tú",
    "Hưng", "Kiên", "Mạnh", "Nghĩa", "Nhân", "Quang", "Sang", "Tiến", "Tín", "Vũ",
    "Duy", "Đông", "Giang", "Hậu", "Hoàng", "Khoa", "Lực", "Phát", "Quý", "Thái",
    "Thông", "Tùng", "Vương", "Bảo", "Chiến", "Công", "Định", "Hào",
]

KINH_GIVEN_F = [
    "Anh", "Chi", "Dung", "Hà", "Hạnh", "Hằng", "Hoa", "Hương", "Lan", "Linh", "Mai",
    "Ngọc", "Nhung", "Oanh", "Phương", "Thảo", "Trang", "Tuyết", "Vân", "Yến", "Hiền",
    "Huyền", "Loan", "Ly", "My", "Nga", "Nhi", "Quyên", "Thu", "Thủy", "Trinh", "Uyên",
    "Vy", "Xuân", "Diệp", "Duyên", "Giang", "Hồng", "Hòa", "Lệ", "Liên", "Nguyệt",
    "Phượng", "Sen", "Tâm", "Thanh", "Thắm", "Thơ", "Trâm", "Tú", "Hảo", "Lý", "Nhàn",
]

# --- Central Highlands groups -----------------------------------------------------------

# given names written after "A " (men) / "Y " (women); many are also used alone.
HIGHLAND_GIVEN_M = [
    "Thút", "Blưm", "Nhôn", "Hơn", "Krông", "Bloong", "Brit", "Đen", "Dưới", "Hyên",
    "Kiên", "Hlin", "Chiên", "Nhong", "Rót", "Sáu", "Tiêu", "Vố", "Vui", "Xuân", "Drên",
    "Thiêu", "Pơr", "Dơn", "Kring", "Bloh", "Hmưn", "Nhương", "Đin", "Giang", "Hùng",
    "Jưi", "Kră", "Lâm", "Minh", "Ngọc", "Phiên", "Ríu", "Sơn", "Tâm", "Thái", "Tròn",
    "Uông", "Vinh", "Yơm", "Bốp", "Chớ", "Đoàn", "Gung", "Hrin", "Khoa", "Lếp", "Nga",
    "Pót", "Quang", "Rế", "Sinh", "Thanh", "Tuấn", "Wơt", "Chư", "Dũng", "Hyui",
]
HIGHLAND_GIVEN_F = [
    "Hoa", "Nhung", "Bích", "Blin", "Dừng", "Gai", "Hlơm", "Hnhôn", "Kết", "Lai", "Lim",
    "Mai", "Ngoan", "Nhiên", "Ple", "Rim", "Sương", "Thu", "Trinh", "Xíu", "Bia", "Đên",
    "Hiên", "Hrưm", "Jơn", "Kiều", "Lanh", "Lứ", "Mơ", "Nghiêm", "Nhên", "Phương", "Rơi",
    "Siêng", "Thoan", "Tuyết", "Vân", "Xuyên", "Yêng", "Đoan", "Hằng", "Hmơi", "Krin",
    "Liên", "Mến", "Nguyệt", "Pir", "Rin", "Sen", "Thơm", "Ưng", "Xoan", "Dương", "Hương",
]
# Kinh-style family names taken by some highland families ("Đinh Văn Blưm").
HIGHLAND_FAMILY = {"Đinh": 6, "A Lăng": 1, "Nguyễn": 1, "Lê": 1, "Hồ": 1}

GIARAI_FAMILY = {
    "Rơ Châm": 5, "Siu": 4, "Ksor": 4, "Rơ Mah": 3, "Rah Lan": 3, "Nay": 2, "Kpă": 2,
    "Puih": 2, "Rơ Ô": 1, "Đinh": 1,
}
GIARAI_GIVEN_M = [
    "Hyuk", "Blếch", "Bloanh", "Hlui", "Jen", "Kơk", "Nhiưm", "Phơn", "Thuơn", "Đơk",
    "Yuh", "Dơk", "Hơ", "Jưi", "Khiêm", "Luân", "Nhăk", "Tơ", "Uyên", "Thuai", "Breo",
]
GIARAI_GIVEN_F = [
    "H'Nga", "H'Ruin", "H'Bloanh", "Hyơn", "Mlai", "Nghiêm", "Puih", "Rin", "Thu", "Phin",
    "H'Lan", "Hlin", "Ngơm", "Pơ", "Chăm", "Đơn", "Hyoi", "Mlư", "Kra", "Nheo",
]

# --- Northern groups settled in the Central Highlands -----------------------------------

MUONG_FAMILY = {"Bùi": 6, "Đinh": 4, "Quách": 2, "Hà": 2, "Xa": 1, "Cao": 1, "Phạm": 1}
THAI_FAMILY = {"Lò": 5, "Lường": 3, "Cầm": 2, "Vi": 2, "Hà": 3, "Quàng": 2, "Lê": 1, "Sầm": 1}
TAY_FAMILY = {"Nông": 4, "Hoàng": 4, "Ma": 2, "Lý": 2, "Lương": 2, "Bế": 2, "Triệu": 2, "Hà": 1}
NUNG_FAMILY = {"Hoàng": 5, "Lương": 3, "Nông": 3, "Vi": 2, "Lục": 2, "Chu": 1, "Mã": 1, "Lý": 1}

# --- Village names ----------------------------------------------------------------------

# second parts of Central Highlands village names ("Làng Kon Klor", "Plei Đôn", "Thôn Đăk Wơk")
HIGHLAND_VILLAGE_BASES = [
    "Kon Klor", "Kon Hra Chót", "Plei Đôn", "Đăk Wơk", "Kon Rờ Bàng", "Đăk Jâk",
    "Kon Hia", "Măng Rơi", "Đăk Xanh", "Ngọc Lâng", "Đăk Sú", "Long Loi", "Pênh Zôn",
    "Kon Gu", "Kon Jơ Ri", "Đăk Lấp", "Kon Tu Dốp", "Plei Klech", "Kon Mơ Nay Kơ Tu",
    "Đăk Rơ Wang", "Kon Hring", "Tu Rằng", "Đăk Pung", "Vi Ô Lắc", "Tu Cần", "Ngọc Leang",
    "Kon Chênh", "Đăk Kơ Đem", "Măng Lỡ", "Kon Plinh", "Đăk Dế", "Tê Pen", "Đăk Prông",
    "Kon Pring", "Pa Cheng", "Đăk Gấu", "Kon Brăp Du", "Plei Rơ Wăk", "Đăk Mế", "Xốp Dùi",
    "Măng Tách", "Kon Năng", "Đăk Doa", "Kon Vơng Kia", "Ngọc Năng", "Đăk Tăng",
    "Plei Trum", "Đăk Tu", "Kon Ktu", "Đăk Tiêng", "Kon Sơ Lăl", "Long Zôn", "Tu Thôn",
    "Đăk Ôn", "Kon Bóp", "Ba Tu", "Mô Pả", "Đăk Lung", "Kon Teo", "Đăk Ri Peng",
    "Măng Xăng", "Kon Rẫy", "Đăk Wấk", "Plei Sar", "Kon Hngo Kơ Tu", "Đăk Nớ", "Tân Rai",
    "Ia Tang", "Plei Bông", "Ia Lâu", "Plei Chót", "Kon Sơ Tiêu", "Ngọc Tụ", "Đăk Kang",
    "Kon Đao", "Tu Mơ Rông", "Ba Khen", "Đăk Cấm", "Ngọc Hoàng", "Kon Cheo Leo",
]
# named Kinh villages ("Thôn Tân Lập"); the rest are numbered ("Thôn 3")
KINH_VILLAGE_BASES = [
    "Tân Lập", "Đoàn Kết", "Thanh Trung", "Tân Hương", "Hòa Bình", "Thống Nhất", "Tân Bình",
    "Quyết Thắng", "Bình Minh", "Tân Sang", "Hà Thanh", "Phú Tân", "Thanh Xuân", "Tân Tiến",
    "Đông Thành", "Thôn Mới", "Nghĩa An", "Kiên Cường", "Tân Phú", "Trung Thành", "Quảng Nghĩa",
    "Hải Nguyên", "Thạnh Trung", "Bắc Phong", "Nam Sơn", "Vinh Quang", "Tân Điền", "Xuân Phong",
]

# --- Birth provinces (legacy 3-digit identity-card prefixes) ----------------------------

# Kinh households in Kon Tum mostly came from the Centre and the North.
KINH_ORIGIN_PROVINCES = {
    "051": 5, "052": 3, "049": 4, "048": 1, "044": 1, "045": 1, "042": 4, "040": 4,
    "038": 3, "036": 3, "034": 3, "035": 2, "037": 1, "030": 2, "001": 1, "046": 1,
    "064": 2, "066": 1,
}
NORTHERN_EM_ORIGIN_PROVINCES = {
    "017": 4, "014": 3, "011": 1, "004": 2, "020": 2, "008": 1, "012": 1, "015": 1,
    "038": 2, "040": 1,
}
