"""Text helpers for tolerant matching of OCR output: folding away diacritics (so "QUYÉT ĐỊNH"
and "QUYẾT ĐỊNH" meet), word lexicons, and mapping OCR confidences to field confidences."""

from __future__ import annotations

import unicodedata
from functools import lru_cache

_DASHES = str.maketrans({"–": "-", "—": "-", "‐": "-", "‑": "-", "−": "-"})


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text).translate(_DASHES)


@lru_cache(maxsize=8192)
def fold(text: str) -> str:
    """Upper case without diacritics; Đ becomes D."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).upper()


def letters(text: str) -> str:
    return "".join(c for c in fold(text) if c.isalnum() or c == " ").strip()


def calibrate(ocr_conf: float) -> float:
    """Tesseract's word confidence as a field confidence: ~0.97 and above reads as sure,
    0.6 and below as a guess (tesseract still scores some misread words in the low 0.90s).
    Text-layer words (1.0) stay 1.0."""
    return max(0.0, min(1.0, (ocr_conf - 0.5) / 0.47))


def edit_distance(a: str, b: str, cap: int = 3) -> int:
    if abs(len(a) - len(b)) > cap:
        return cap + 1
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1]


# Upper-case words of headers, titles and signature blocks: an OCR'd word whose folded form
# matches exactly one of these is restored with its diacritics.
HEADER_WORDS = """
UBND HĐND ỦY UỶ BAN NHÂN DÂN TỈNH THÀNH PHỐ HUYỆN XÃ PHƯỜNG THỊ TRẤN QUẬN SỞ BỘ CỤC CHI TỔNG
VĂN PHÒNG
HỘI ĐỒNG TRUNG TÂM TRƯỜNG BỆNH VIỆN CÔNG AN THANH TRA KHO BẠC NHÀ NƯỚC ĐẢNG CỘNG SẢN VIỆT NAM
NỘI VỤ TÀI CHÍNH GIÁO DỤC VÀ ĐÀO TẠO Y TẾ XÂY DỰNG NÔNG NGHIỆP MÔI TRƯỜNG TƯ PHÁP CÔNG THƯƠNG
KHOA HỌC CÔNG NGHỆ QUẢN LÝ CÁC KHU KINH TẾ CÔNG NGHIỆP VĂN HÓA THỂ THAO DU LỊCH LAO ĐỘNG
THƯƠNG BINH XÃ HỘI GIAO THÔNG VẬN TẢI KẾ HOẠCH ĐẦU TƯ NGOẠI DÂN TỘC TÔN GIÁO THÔNG TIN TRUYỀN
CHỦ TỊCH PHÓ GIÁM ĐỐC CHÁNH TRƯỞNG THỦ KÝ THƯ TM KT TL TUQ Q CHỈ HUY QUÂN SỰ BIÊN PHÒNG
LƯU TRỮ HÀNH CHÍNH CÔNG PHỤC VỤ ĐIỆN TỬ PHÁT TRIỂN
AN GIANG CẦN THƠ ĐỒNG THÁP VĨNH LONG CÀ MAU KHÁNH HÒA LÂM ĐỒNG QUẢNG NGÃI GIA LAI ĐẮK LẮK
THANH HÓA NGHỆ HÀ TĨNH QUẢNG TRỊ HUẾ ĐÀ NẴNG TÂY NINH ĐỒNG NAI LÀO CAI TUYÊN QUANG THÁI
NGUYÊN PHÚ THỌ BẮC NINH HƯNG YÊN NINH BÌNH HẢI PHÒNG QUẢNG NINH SƠN LA ĐIỆN BIÊN LAI CHÂU
LẠNG SƠN CAO BẰNG HÀ NỘI HỒ CHÍ MINH KIÊN GIANG SÓC TRĂNG BẠC LIÊU TIỀN TRÀ VINH BẾN TRE
LONG HẬU BÌNH DƯƠNG PHƯỚC BÀ RỊA VŨNG TÀU THUẬN KON TUM ĐẮK NÔNG PHÚ YÊN ĐỊNH QUẢNG NAM
THIÊN BẮC KẠN GIANG YÊN BÁI HÒA HẢI DƯƠNG NAM THÁI BÌNH HÀ VĨNH PHÚC
QUYẾT ĐỊNH NGHỊ CHỈ THỊ QUY CHẾ THÔNG CÁO BÁO HƯỚNG DẪN CHƯƠNG TRÌNH KẾ PHƯƠNG ÁN ĐỀ DỰ
BIÊN BẢN TỜ HỢP ĐIỆN GHI NHỚ THỎA THUẬN GIẤY QUYỀN MỜI GIỚI THIỆU NGHỈ PHÉP PHIẾU GỬI
CHUYỂN LUẬT PHÁP LỆNH TƯ LIÊN TỊCH HIẾN HỎA TỐC THƯỢNG KHẨN TUYỆT MẬT TỐI
""".split()

PLACES = """An Giang|Cần Thơ|Đồng Tháp|Vĩnh Long|Cà Mau|Khánh Hòa|Lâm Đồng|Quảng Ngãi|Gia Lai|
Đắk Lắk|Thanh Hóa|Nghệ An|Hà Tĩnh|Quảng Trị|Huế|Đà Nẵng|Tây Ninh|Đồng Nai|Lào Cai|Tuyên Quang|
Thái Nguyên|Phú Thọ|Bắc Ninh|Hưng Yên|Ninh Bình|Hải Phòng|Quảng Ninh|Sơn La|Điện Biên|Lai Châu|
Lạng Sơn|Cao Bằng|Hà Nội|Thành phố Hồ Chí Minh|TP. Hồ Chí Minh|Kiên Giang|Sóc Trăng|Bạc Liêu|
Tiền Giang|Trà Vinh|Bến Tre|Long An|Hậu Giang|Bình Dương|Bình Phước|Bà Rịa - Vũng Tàu|
Bình Thuận|Ninh Thuận|Kon Tum|Đắk Nông|Phú Yên|Bình Định|Quảng Nam|Thừa Thiên Huế|Quảng Bình|
Bắc Kạn|Bắc Giang|Hà Giang|Yên Bái|Hòa Bình|Hải Dương|Nam Định|Thái Bình|Hà Nam|Vĩnh Phúc|
Rạch Giá|Long Xuyên""".replace("\n", "").split("|")


@lru_cache(maxsize=1)
def _header_index() -> dict[str, set[str]]:
    index: dict[str, set[str]] = {}
    for word in HEADER_WORDS:
        index.setdefault(fold(word), set()).add(word)
    return index


def restore_word(word: str) -> tuple[str, bool]:
    """An upper-case header word with its diacritics restored from the lexicon when its folded
    form names one word only (HÒA / HÓA / HỎA stay as read); the flag says whether the result
    is a known word."""
    core = word.strip(".,;:")
    if not core or not core.isupper():
        return word, False
    known = _header_index().get(fold(core))
    if not known:
        return word, False
    if core in known:
        return word, True
    if len(known) == 1:
        return word.replace(core, next(iter(known))), True
    return word, False


def near_word(core: str) -> str | None:
    """The one lexicon word within one slip of ``core`` ("GLAM" → "GIÁM"), if exactly one."""
    key = fold(core)
    if len(key) < 4:
        return None
    found = {w for k, ws in _header_index().items() if abs(len(k) - len(key)) <= 1
             and edit_distance(k, key, cap=1) <= 1 for w in ws}
    return next(iter(found)) if len(found) == 1 else None


def _split_joined(core: str) -> str | None:
    """Two header words that OCR ran together ("HƯNGYÊN"), when exactly one split fits."""
    index = _header_index()
    fits = []
    for i in range(2, len(core) - 1):
        a, b = core[:i], core[i:]
        if fold(a) in index and fold(b) in index:
            fits.append(f"{restore_word(a)[0]} {restore_word(b)[0]}")
    return fits[0] if len(fits) == 1 else None


PHRASES = """PHÓ CHỦ TỊCH|PHÓ GIÁM ĐỐC|PHÓ CHÁNH VĂN PHÒNG|CHÁNH VĂN PHÒNG|THÀNH PHỐ|CỘNG HÒA|
VĂN HÓA|HỎA TỐC|THƯỢNG KHẨN|TUYỆT MẬT|TỐI MẬT|ỦY BAN NHÂN DÂN|HỘI ĐỒNG NHÂN DÂN|CHỦ TỊCH|
GIÁM ĐỐC|SỞ GIÁO DỤC VÀ ĐÀO TẠO|SỞ NÔNG NGHIỆP VÀ MÔI TRƯỜNG|SỞ KHOA HỌC VÀ CÔNG NGHỆ|
SỞ VĂN HÓA, THỂ THAO VÀ DU LỊCH|BAN QUẢN LÝ CÁC KHU KINH TẾ|TỈNH ỦY|THÀNH ỦY|GIAO THÔNG|
QUYẾT ĐỊNH|NGHỊ QUYẾT|HƯỚNG DẪN|THÔNG BÁO|BÁO CÁO|KẾ HOẠCH|TỜ TRÌNH|CÔNG VĂN|CÔNG ĐIỆN|
GIẤY MỜI|VĂN PHÒNG|GIAO THÔNG VẬN TẢI""".replace("\n", "").split("|")


@lru_cache(maxsize=1)
def _phrase_index() -> dict[tuple[str, ...], list[str]]:
    index: dict[tuple[str, ...], list[str]] = {}
    places = [p.upper() for p in PLACES]
    for phrase in PHRASES + [f"TỈNH {p}" for p in places] + places:
        words = phrase.split()
        index.setdefault(tuple(fold(w).strip(",") for w in words), words)
    return index


def _restore_phrases(words: list[str]) -> tuple[list[str], list[bool]]:
    """Known multi-word phrases first: context settles HÒA / HÓA / HỎA, TỈNH / TĨNH, PHÓ / PHỐ."""
    index = _phrase_index()
    longest = max(len(k) for k in index)
    out = list(words)
    done = [False] * len(words)
    keys = [fold(w).strip(".,;:") for w in words]
    i = 0
    while i < len(words):
        for n in range(min(longest, len(words) - i), 0, -1):
            canon = index.get(tuple(keys[i:i + n]))
            if canon and all(w.isupper() for w in words[i:i + n]):
                for k in range(n):
                    core = words[i + k].strip(".,;:")
                    if not _tone_variant(core, canon[k].strip(",")):
                        out[i + k] = words[i + k].replace(core, canon[k].strip(","))
                    done[i + k] = True
                i += n
                break
        else:
            i += 1
    return out, done


def _tone_variant(a: str, b: str) -> bool:
    """Old and new tone placement of one word (UỶ / ỦY, HOÀ / HÒA): both are correct."""
    def marks(w: str) -> tuple[str, list[str]]:
        d = unicodedata.normalize("NFD", w)
        return "".join(c for c in d if not unicodedata.combining(c)), sorted(
            c for c in d if unicodedata.combining(c))
    return a == b or marks(a) == marks(b)


def restore_upper(text: str) -> tuple[str, float]:
    """Restore every word; the share of words found in the lexicon comes back too."""
    words = text.split()
    if not words:
        return text, 0.0
    words, done = _restore_phrases(words)
    out = []
    hits = 0
    for w, ok_phrase in zip(words, done, strict=True):
        if ok_phrase:
            out.append(w)
            hits += 1
            continue
        fixed, ok = restore_word(w)
        if not ok and w.isupper() and len(w) >= 5:
            joined = _split_joined(w)
            if joined:
                fixed, ok = joined, True
        if not ok and w.isupper():
            near = near_word(w.strip(".,;:"))
            if near:  # repaired, but not counted as known: the rule's confidence drops
                fixed = w.replace(w.strip(".,;:"), near)
        out.append(fixed)
        hits += ok
    return " ".join(out), hits / len(words)


@lru_cache(maxsize=1)
def _place_index() -> dict[str, str]:
    return {fold(p).replace(" ", ""): p for p in PLACES}


def known_place(text: str) -> str | None:
    return _place_index().get(fold(text).replace(" ", ""))
