"""The words of the review report, once, for both files: :func:`blocks` turns a
:class:`~chungtay.emulation.report.Report` into headings, paragraphs, tables and alerts that
``report_docx.py`` and ``report_pdf.py`` lay out (Word headings and tables; the PDF's ruled grids).
No queries here."""
from __future__ import annotations

from dataclasses import dataclass

from .report import Report, n_vi, vnd

ROMAN = ("I", "II", "III", "IV", "V", "VI")
STATUS_VI = {"on_track": "đạt tiến độ", "at_risk": "có nguy cơ không đạt", "off_track": "chậm so với kế hoạch",
             "no_data": "chưa đủ số liệu"}


@dataclass
class Block:
    kind: str                         # h1 / h2 / p / note / alert / ok / table / bullet
    text: str = ""
    heads: tuple = ()
    rows: list | None = None
    widths: tuple = ()                # relative widths (the PDF scales them to the page)
    align: tuple = ()                 # "L" / "C" per column


def _t(heads, widths, align, rows) -> Block:
    return Block("table", heads=tuple(heads), widths=tuple(widths), align=tuple(align), rows=[list(r) for r in rows])


def intro(r: Report) -> str:
    derived = f", cụ thể hóa {r.parent_vi}" if r.parent_vi else ""
    return (f"Thực hiện {r.movement_name} theo văn bản số {r.decision_vi}{derived}, {r.committee} báo cáo "
            f"{r.kind_vi} phong trào trên địa bàn {r.unit_name} {r.period_vi} như sau. Mọi số liệu dưới đây do hệ "
            "thống Chung Tay tính từ dữ liệu đã ghi (kết quả rà soát hộ nghèo, sổ hỗ trợ, Quỹ Vì người nghèo, hoạt "
            "động và kết quả chấm điểm thi đua), không nhập lại bằng tay; mỗi số có nguồn và cách tính kèm theo.")


def blocks(r: Report) -> list[Block]:
    out: list[Block] = [Block("p", intro(r))]
    p = r.participants
    out.append(Block("p", f"Đối tượng tham gia trên địa bàn: {p['total']} (đơn vị hành chính {p['units']}, cơ quan, tổ "
                          f"chức, doanh nghiệp {p['partners']}, hộ gia đình {p['households']})."))
    if r.goal_text:
        out.append(Block("p", f"Mục tiêu của phong trào: {r.goal_text}"))

    # ---------------------------------------------------------------- I
    res = r.results
    out.append(Block("h1", "I. KẾT QUẢ THỰC HIỆN CÁC MỤC TIÊU GIẢM NGHÈO"))
    out.append(Block("h2", f"1. Tỷ lệ hộ nghèo và hộ thoát nghèo trên địa bàn {r.unit_name}"))
    if not any(y.households for y in res.years):
        out.append(Block("note", "Chưa có kết quả rà soát hộ nghèo của địa bàn trong các năm này."))
    else:
        out.append(_t(("Năm", "Số hộ", "Hộ nghèo", "Tỷ lệ hộ nghèo (%)", "Hộ thoát nghèo trong năm"),
                      (14, 22, 22, 28, 34), ("C", "C", "C", "C", "C"),
                      [(str(y.year) + (" (gốc)" if y.year == res.base_year else "")
                        + (" (tạm tính)" if y.provisional_vi else ""), n_vi(y.households), n_vi(y.poor),
                        n_vi(y.rate, 2), "–" if y.escaped is None else n_vi(y.escaped)) for y in res.years]))
        out.append(Block("note", "Nguồn: kết quả rà soát định kỳ (bản hiện hành) của các hộ trên địa bàn. Tỷ lệ = hộ "
                                 "nghèo ÷ số hộ × 100. Hộ thoát nghèo năm Y: hộ nghèo năm Y − 1 không còn nghèo năm Y."))
        for y in res.years:
            if y.provisional_vi:
                out.append(Block("alert", f"Số liệu tạm tính năm {y.year} – {y.provisional_vi}: kết quả rà soát năm "
                                          f"{y.year} chưa được Chủ tịch Ủy ban nhân dân công nhận, số hộ, hộ nghèo, tỷ "
                                          "lệ hộ nghèo và hộ thoát nghèo của năm này còn thay đổi."))
        rows = [(ln.label_vi, ln.value_vi, ln.formula_vi) for ln in res.lines]
        out.append(_t(("Chỉ tiêu", "Kết quả", "Cách tính"), (50, 26, 74), ("L", "C", "L"), rows))
    if res.note_vi:
        out.append(Block("note", res.note_vi))
    for i, g in enumerate(res.goals, 2):
        out.append(Block("h2", f"{i}. Mục tiêu “{g.name_vi}” ({g.plan_vi}, {g.unit_vi}): "
                               f"{STATUS_VI.get(g.status, g.status)}"))
        out.append(_t(("Chỉ tiêu", "Số liệu", "Nguồn, cách tính"), (44, 30, 76), ("L", "C", "L"),
                      [(ln.label_vi, ln.value_vi, "; ".join(x for x in (ln.formula_vi, ln.source_vi) if x))
                       for ln in g.lines]))
        if g.published is not None:
            out.append(Block("ok" if g.published.follows else "alert",
                             ("Kiểm tra số đã công bố: " if g.published.follows else
                              "SỐ CÔNG BỐ KHÔNG SUY RA ĐƯỢC TỪ SỐ LIỆU ĐẦU VÀO: ") + g.published.vi
                             + (f" (Nguồn công bố: {g.published_source}.)" if g.published_source else "")))

    # ---------------------------------------------------------------- II
    out.append(Block("h1", "II. CÁC HOẠT ĐỘNG CỦA PHONG TRÀO"))
    acts = r.activities
    out.append(_t(("STT", "Nội dung hoạt động", "Số hoạt động", "Kết quả (cộng theo đơn vị tính)"), (10, 62, 20, 58),
                  ("C", "L", "C", "L"),
                  [(str(i), g.name_vi, str(g.count), "; ".join(g.totals_vi) or "–") for i, g in enumerate(acts, 1)]))
    for i, g in enumerate(acts, 1):
        if not g.items:
            continue
        out.append(Block("h2", f"{i}. {g.name_vi}"))
        for it in g.items:
            head = f"{it.title} – {it.participant}, {it.date}" + (f" (nội dung {it.content})" if it.content else "") \
                + (f" [{it.movement_vi}]" if it.movement_vi else "")
            out.append(Block("bullet", head + (f": {it.figure_vi}." if it.figure_vi else ".")))
            if it.story:
                out.append(Block("note", it.story))
    below = {}
    for g in acts:
        for it in g.items:
            if it.movement_vi:
                below[it.movement_vi] = below.get(it.movement_vi, 0) + 1
    if below:
        out.append(Block("p", "Trong đó, hoạt động của các phong trào cấp dưới phát triển từ phong trào này: "
                              + "; ".join(f"{k}: {v}" for k, v in below.items()) + "."))
    out.append(Block("note", "Nguồn: các hoạt động đã báo cáo trong phong trào và trong các phong trào cấp dưới phát triển "
                             "từ nó (kèm minh chứng), trong kỳ báo cáo, của các đối tượng tham gia trên địa bàn; số lượng "
                             "cộng theo loại hoạt động và đơn vị tính."))

    # ---------------------------------------------------------------- III
    mob = r.mobilised
    out.append(Block("h1", "III. NGUỒN LỰC HỖ TRỢ VÀ ỦNG HỘ ĐÃ HUY ĐỘNG"))
    out.append(Block("h2", "1. Hỗ trợ đã trao cho hộ (sổ hỗ trợ)"))
    rows = [(mob.supports.label_vi, n_vi(mob.supports.count), vnd(mob.supports.value_vnd))]
    rows += [(f"   – {k.label_vi}", n_vi(k.count), vnd(k.value_vnd)) for k in mob.supports_by_kind]
    rows += [(f"   – {y.label_vi}", n_vi(y.count), vnd(y.value_vnd)) for y in mob.supports_by_year]
    rows += [(f"Do {x.label_vi} hỗ trợ", n_vi(x.count), vnd(x.value_vnd)) for x in mob.partners]
    rows.append((mob.linked.label_vi, n_vi(mob.linked.count), vnd(mob.linked.value_vnd)))
    out.append(_t(("Nội dung", "Số lượt", "Giá trị (đồng)"), (90, 25, 35), ("L", "C", "C"), rows))
    out.append(Block("note", f"Số hộ được hỗ trợ: {n_vi(mob.supports_households)}. Nguồn: sổ hỗ trợ, các hỗ trợ đã trao "
                             "(bản hiện hành, không tính hỗ trợ dự kiến, đã hủy) có năm hỗ trợ trong kỳ; giá trị là số "
                             "nguyên đồng, cộng từ từng hỗ trợ."))
    out.append(Block("h2", "2. Ủng hộ Quỹ Vì người nghèo"))
    if not mob.fund_installed or mob.donations is None:
        out.append(Block("note", "Hệ thống chưa có Quỹ Vì người nghèo: phần này để trống."))
    else:
        rows = [(mob.donations.label_vi, n_vi(mob.donations.count), vnd(mob.donations.value_vnd))]
        rows += [(f"   – {y.label_vi}", n_vi(y.count), vnd(y.value_vnd)) for y in mob.donations_by_year]
        rows += [(f"   – {f.label_vi}", n_vi(f.count), vnd(f.value_vnd)) for f in mob.donations_by_form]
        rows += [(f"Do {x.label_vi} ủng hộ", n_vi(x.count), vnd(x.value_vnd)) for x in mob.partner_donations]
        if mob.linked_donations is not None:
            rows.append((mob.linked_donations.label_vi, n_vi(mob.linked_donations.count),
                         vnd(mob.linked_donations.value_vnd)))
        out.append(_t(("Nội dung", "Số khoản", "Giá trị (đồng)"), (90, 25, 35), ("L", "C", "C"), rows))
        out.append(Block("note", "Nguồn: sổ Quỹ Vì người nghèo của địa bàn (quỹ cấp tỉnh và các quỹ cấp xã khi báo cáo "
                                 "cấp tỉnh), các khoản ủng hộ có ngày trong kỳ, không tính khoản đã đảo bút toán."))

    # ---------------------------------------------------------------- IV
    best = r.best
    out.append(Block("h1", "IV. TẬP THỂ, CÁ NHÂN TIÊU BIỂU"))
    out.append(Block("h2", "1. Kết quả chấm điểm thi đua đã công bố"))
    if not best.scorings:
        out.append(Block("note", "Chưa có kết quả chấm điểm thi đua nào được công bố trong kỳ."))
    for s in best.scorings:
        out.append(Block("p", f"Bộ tiêu chí {s.code}, năm {s.year}, công bố ngày {s.published_on}: "
                              f"{len(s.best_band_members)} đối tượng xếp loại “{s.best_band}”"
                              + (f" ({', '.join(s.best_band_members)})." if s.best_band_members else ".")))
        out.append(_t(("Cụm, khối", "Hạng", "Đối tượng", "Tổng điểm", "Xếp loại"), (44, 12, 48, 20, 26),
                      ("L", "C", "L", "C", "L"), [(t.cluster, str(t.rank), t.name, t.total_vi, t.band) for t in s.top]))
    if best.unpublished:
        out.append(Block("note", "Kết quả chấm điểm chưa công bố, không đưa vào báo cáo: " + ", ".join(best.unpublished)
                                 + "."))
    out.append(Block("h2", "2. Gương điển hình tiên tiến"))
    if not best.exemplary:
        out.append(Block("note", "Chưa có gương điển hình nào được báo cáo trong kỳ."))
    for it in best.exemplary:
        out.append(Block("bullet", f"{it.title} ({it.participant}, {it.date}"
                                   + (f"; {it.movement_vi}" if it.movement_vi else "") + ")."))
    out.append(Block("h2", "3. Khen thưởng"))
    if best.awards is None:
        out.append(Block("note", best.awards_note_vi))
    elif not best.awards:
        out.append(Block("note", "Chưa có quyết định khen thưởng nào cho thành tích trong kỳ. " + best.awards_note_vi))
    else:
        out.append(_t(("Quyết định", "Hình thức", "Đối tượng", "Tiền thưởng (đồng)"), (42, 42, 44, 22),
                      ("L", "L", "L", "C"),
                      [(f"{a['number']} ngày {a['date']} ({a['issuer']})", a["form"], a["subject"], vnd(a["bonus_vnd"]))
                       for a in best.awards]))
        if best.awards_note_vi:
            out.append(Block("note", best.awards_note_vi))

    # ---------------------------------------------------------------- checks
    bad = [g for g in res.goals if g.published is not None and not g.published.follows]
    out.append(Block("h1", "V. KIỂM TRA SỐ LIỆU"))
    if bad:
        for g in bad:
            out.append(Block("alert", f"“{g.name_vi}”: {g.published.vi}"))
    else:
        out.append(Block("ok", "Không có số đã công bố nào mâu thuẫn với số liệu đầu vào của nó."))
    out.append(Block("note", "Các số trong báo cáo được cộng lại từ dữ liệu gốc khi lập báo cáo; số công bố trong các "
                             "báo cáo trước được kiểm tra lại bằng chính số gốc và số kết quả của chúng."))
    return out


def version_line(r: Report) -> str:
    if r.draft:
        return f"DỰ THẢO bản số {r.version} – {r.status.draft_vi}."
    return f"Bản số {r.published.version}, công bố ngày {r.published.on}" + (f" ({r.published.by})." if r.published.by
                                                                              else ".")


def recipients(r: Report) -> list[str]:
    return ["Nơi nhận:", "- Hội đồng Thi đua – Khen thưởng cấp trên;", "- Ủy ban MTTQ Việt Nam cùng cấp;",
            "- Các đơn vị tham gia phong trào;", "- Lưu: VT."]
