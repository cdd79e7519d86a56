"""Name data for the demo generator: Vietnamese family, middle and given names with rough frequencies.

Family-name shares follow published surveys of Vietnamese surnames (Nguyễn about 38%, Trần 11%, Lê
9.5%, ...). Hoàng/Huỳnh and Vũ/Võ are one name spelt the northern and the southern way; the demo is a
Hanoi committee, so the northern spelling dominates.
"""

# (family name, weight in per mille)
FAMILY_NAMES = [
    ("Nguyễn", 384),
    ("Trần", 121),
    ("Lê", 95),
    ("Phạm", 70),
    ("Hoàng", 43),
    ("Huỳnh", 8),
    ("Phan", 45),
    ("Vũ", 32),
    ("Võ", 7),
    ("Đặng", 21),
    ("Bùi", 20),
    ("Đỗ", 14),
    ("Hồ", 13),
    ("Ngô", 13),
    ("Dương", 10),
    ("Lý", 5),
    ("Đào", 9),
    ("Đinh", 9),
    ("Trịnh", 8),
    ("Mai", 6),
    ("Cao", 6),
    ("Lương", 5),
    ("Lưu", 4),
    ("Tạ", 4),
    ("Trương", 4),
    ("Chu", 4),
    ("Hà", 4),
    ("Tô", 3),
    ("Kiều", 3),
    ("Khúc", 2),
    ("Nghiêm", 2),
    ("Thái", 2),
    ("Quách", 2),
    ("Phùng", 3),
    ("Lại", 2),
    ("Vương", 2),
    ("Triệu", 2),
    ("Doãn", 1),
    ("Khổng", 1),
    ("Văn", 1),
]

# Middle names by gender. Older generations were named Văn / Thị far more often than younger ones,
# so the generator shifts weight away from them for members born after 1980.
MIDDLE_NAMES = {
    "male": [
        ("Văn", 40),
        ("Hữu", 6),
        ("Đức", 7),
        ("Minh", 7),
        ("Quang", 5),
        ("Công", 4),
        ("Đình", 5),
        ("Xuân", 3),
        ("Ngọc", 3),
        ("Mạnh", 2),
        ("Thanh", 4),
        ("Tuấn", 2),
        ("Quốc", 3),
        ("Thế", 2),
        ("Trọng", 2),
        ("Duy", 2),
        ("Việt", 2),
        ("Hoàng", 2),
        ("Anh", 2),
        ("Tiến", 1),
        ("Bá", 1),
    ],
    "female": [
        ("Thị", 55),
        ("Ngọc", 6),
        ("Thu", 5),
        ("Thanh", 5),
        ("Minh", 3),
        ("Thúy", 3),
        ("Hồng", 3),
        ("Phương", 3),
        ("Kim", 3),
        ("Lan", 2),
        ("Mai", 2),
        ("Bích", 2),
        ("Diệu", 1),
        ("Hải", 1),
        ("Khánh", 2),
        ("Bảo", 1),
        ("Quỳnh", 1),
    ],
}
TRADITIONAL_MIDDLE = {"male": "Văn", "female": "Thị"}

# Women born Thị often carry a second middle name ("Nguyễn Thị Thu Hà").
SECOND_MIDDLE_FEMALE = ["Thu", "Thanh", "Ngọc", "Minh", "Hồng", "Kim", "Bích", "Thúy", "Lan", "Mai"]

GIVEN_NAMES = {
    "male": [
        "An", "Anh", "Bảo", "Bình", "Chiến", "Chính", "Công", "Cường", "Dũng", "Duy", "Đạt", "Định",
        "Đông", "Đức", "Giang", "Hải", "Hậu", "Hiển", "Hiếu", "Hòa", "Hoàng", "Học", "Hợp", "Hùng",
        "Hưng", "Huy", "Khải", "Khang", "Khánh", "Khoa", "Kiên", "Lâm", "Lân", "Lộc", "Lợi", "Long",
        "Luân", "Mạnh", "Minh", "Nam", "Nghĩa", "Ngọc", "Nhân", "Phong", "Phú", "Phúc", "Phương",
        "Quân", "Quang", "Quý", "Quyết", "Sơn", "Tài", "Tâm", "Tân", "Thái", "Thắng", "Thành",
        "Thao", "Thịnh", "Thuận", "Tiến", "Toàn", "Trí", "Trọng", "Trung", "Trường", "Tú", "Tuấn",
        "Tùng", "Tường", "Văn", "Việt", "Vinh", "Vũ", "Xuân",
    ],
    "female": [
        "An", "Anh", "Ánh", "Bích", "Châu", "Chi", "Diệp", "Dung", "Duyên", "Giang", "Hà", "Hạnh",
        "Hằng", "Hậu", "Hiền", "Hoa", "Hòa", "Hồng", "Huệ", "Hương", "Huyền", "Khánh", "Lan", "Liên",
        "Liễu", "Linh", "Loan", "Lý", "Mai", "My", "Nga", "Ngân", "Ngọc", "Nhàn", "Nhung", "Oanh",
        "Phượng", "Phương", "Quyên", "Quỳnh", "Tâm", "Thảo", "Thanh", "Thơ", "Thu", "Thủy", "Thúy",
        "Trang", "Trinh", "Tuyết", "Uyên", "Vân", "Vy", "Xuân", "Yến",
    ],
}  # fmt: skip

# Wards and communes of Hanoi after the 2025 reorganisation (a selection, used in order).
WARD_NAMES = [
    "phường Ba Đình", "phường Ngọc Hà", "phường Giảng Võ", "phường Hoàn Kiếm", "phường Cửa Nam",
    "phường Hai Bà Trưng", "phường Vĩnh Tuy", "phường Bạch Mai", "phường Đống Đa", "phường Kim Liên",
    "phường Văn Miếu - Quốc Tử Giám", "phường Láng", "phường Ô Chợ Dừa", "phường Hồng Hà",
    "phường Lĩnh Nam", "phường Hoàng Mai", "phường Vĩnh Hưng", "phường Tương Mai", "phường Định Công",
    "phường Hoàng Liệt", "phường Yên Sở", "phường Thanh Xuân", "phường Khương Đình", "phường Phương Liệt",
    "phường Cầu Giấy", "phường Nghĩa Đô", "phường Yên Hòa", "phường Tây Hồ", "phường Phú Thượng",
    "phường Tây Tựu", "phường Phú Diễn", "phường Xuân Đỉnh", "phường Đông Ngạc", "phường Thượng Cát",
    "phường Từ Liêm", "phường Xuân Phương", "phường Tây Mỗ", "phường Đại Mỗ", "phường Long Biên",
    "phường Bồ Đề", "phường Việt Hưng", "phường Phúc Lợi", "phường Hà Đông", "phường Dương Nội",
    "phường Yên Nghĩa", "phường Phú Lương", "phường Kiến Hưng", "phường Thanh Liệt", "phường Chương Mỹ",
    "phường Sơn Tây", "phường Tùng Thiện", "xã Sóc Sơn", "xã Đông Anh", "xã Gia Lâm", "xã Thanh Trì",
    "xã Mê Linh", "xã Thường Tín", "xã Phú Xuyên", "xã Ba Vì", "xã Phúc Thọ", "xã Đan Phượng",
    "xã Hoài Đức", "xã Quốc Oai", "xã Thạch Thất", "xã Thanh Oai", "xã Ứng Hòa", "xã Mỹ Đức",
]  # fmt: skip

SCHOOL_NAMES = [
    "Trường Mầm non Hoa Sen", "Trường Mầm non Họa Mi", "Trường Tiểu học Ngọc Hà",
    "Trường Tiểu học Kim Đồng", "Trường Tiểu học Thăng Long", "Trường THCS Phan Chu Trinh",
    "Trường THCS Nguyễn Trãi", "Trường THCS Chu Văn An", "Trường THPT Phan Đình Phùng",
    "Trường THPT Nguyễn Huệ",
]  # fmt: skip
AGENCY_NAMES = [
    "Cơ quan Đảng ủy - Hội đồng nhân dân - Ủy ban nhân dân", "Cơ quan Mặt trận Tổ quốc và các đoàn thể",
    "Cơ quan Ủy ban nhân dân", "Văn phòng Hội đồng nhân dân và Ủy ban nhân dân",
]  # fmt: skip
PUBLIC_SERVICE_NAMES = [
    "Trạm Y tế", "Trung tâm Văn hóa - Thông tin và Thể thao", "Trung tâm Phục vụ hành chính công",
    "Ban Quản lý chợ", "Thư viện",
]  # fmt: skip
STATE_ENTERPRISE_NAMES = [
    "Công ty TNHH MTV Nước sạch", "Công ty TNHH MTV Môi trường đô thị", "Công ty Điện lực",
    "Công ty Cổ phần Thương mại Hà Nội",
]  # fmt: skip
PRIVATE_ENTERPRISE_NAMES = [
    "Công ty Cổ phần Xây dựng Thăng Long", "Công ty TNHH Thương mại Hồng Hà", "Công ty Cổ phần Sông Hồng",
    "Công ty TNHH Công nghệ Việt Hưng",
]  # fmt: skip
ARMED_FORCES_NAMES = ["Công an", "Quân sự"]

EXEMPTION_REASONS = [
    "Tuổi cao, sức yếu",
    "Tuổi cao, sức yếu, đi lại khó khăn",
    "Sức khỏe yếu, bệnh kéo dài",
    "Tuổi cao (trên 80 tuổi), sức khỏe yếu",
]

TRAINING_COURSES = [
    "Bồi dưỡng nghiệp vụ công tác Đảng cho bí thư, phó bí thư, cấp ủy viên chi bộ",
    "Tập huấn kỹ năng tổ chức sinh hoạt chi bộ",
    "Bồi dưỡng nghiệp vụ công tác Đảng năm",
]
