"""Classification: the type by rule, the handling unit by a learned model that abstains."""

from __future__ import annotations

import random

import pytest

from ocr import ClassifyError
from ocr.classify import Example, UnitClassifier, document_type

TOPICS = {
    "Sở Tài chính": ["dự toán ngân sách", "quyết toán kinh phí", "thuế và phí", "vốn đầu tư công",
                     "giải ngân", "tài sản công"],
    "Sở Y tế": ["phòng chống dịch bệnh", "bệnh viện tuyến tỉnh", "tiêm chủng", "thuốc chữa bệnh",
                "an toàn thực phẩm", "trạm y tế xã"],
    "Sở Giáo dục và Đào tạo": ["kỳ thi tốt nghiệp", "trường trung học phổ thông", "học sinh",
                               "giáo viên", "sách giáo khoa", "năm học mới"],
}
FILLER = ["đề nghị các cơ quan", "triển khai thực hiện", "báo cáo kết quả", "trên địa bàn tỉnh",
          "theo quy định", "khẩn trương", "phối hợp"]


def _examples(n: int, rng: random.Random) -> list[Example]:
    out = []
    units = list(TOPICS)
    for i in range(n):
        unit = units[i % len(units)]
        words = rng.sample(TOPICS[unit], 3) + rng.sample(FILLER, 4)
        rng.shuffle(words)
        out.append(Example(" ".join(words), unit))
    return out


def test_type_by_rule_from_the_title() -> None:
    guess = document_type("ỦY BAN NHÂN DÂN\nTỈNH AN GIANG\nQUYÉT ĐỊNH\nVề việc phê duyệt")
    assert guess.doc_type == "Quyết định"
    assert document_type("Số: 12/UBND-VP\nV/v góp ý dự thảo").doc_type == "Công văn"


def test_unit_suggestion_abstains_and_survives_save_and_load(tmp_path) -> None:
    rng = random.Random(1)
    model = UnitClassifier(threshold=0.6).fit(_examples(300, rng))
    held_out = _examples(60, random.Random(2))
    right = sum(model.suggest(e.text).unit == e.unit for e in held_out)
    assert right >= 0.9 * len(held_out)
    unsure = model.suggest("đề nghị các cơ quan triển khai thực hiện theo quy định")
    assert unsure.unit is None and unsure.confidence < 0.6
    path = tmp_path / "units.joblib"
    model.save(path)
    again = UnitClassifier.load(path)
    text = held_out[0].text
    assert again.suggest(text) == model.suggest(text)


def test_corrections_count_more() -> None:
    rng = random.Random(3)
    data = _examples(120, rng)
    text = "vốn đầu tư công cho trường trung học phổ thông"
    before = UnitClassifier(threshold=0.0).fit(data).suggest(text)
    fixes = [Example(text, "Sở Giáo dục và Đào tạo", corrected=True)] * 3
    after = UnitClassifier(threshold=0.0).fit(data + fixes).suggest(text)
    assert after.unit == "Sở Giáo dục và Đào tạo"
    assert dict(after.ranking)["Sở Giáo dục và Đào tạo"] > dict(before.ranking).get(
        "Sở Giáo dục và Đào tạo", 0)


def test_bad_training_and_loading(tmp_path) -> None:
    with pytest.raises(ClassifyError):
        UnitClassifier().fit([Example("a b", "X"), Example("c d", "X")])
    junk = tmp_path / "junk.joblib"
    junk.write_bytes(b"not a model")
    with pytest.raises(ClassifyError):
        UnitClassifier.load(junk)
