"""Tests of lkjip_helpers.data.io: raw tables read as text, atomic writes, YAML errors."""

from __future__ import annotations

import datetime as dt
import zipfile
from collections.abc import Iterator, Mapping
from pathlib import Path

import pandas as pd
import pytest

from lkjip_helpers.core.exceptions import DataFileError, ParamsError
from lkjip_helpers.data import io


def write(path: Path, content: bytes | str) -> Path:
    path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    return path


# ------------------------------------------------------------------ CSV


def test_csv_with_bom_is_read_as_text(tmp_path):
    path = write(tmp_path / "t.csv", "\ufeffnama,jumlah\nA,5\nB,83.85\n")
    frame = io.read_raw_table(path)
    assert list(frame.columns) == ["nama", "jumlah"]
    assert frame["jumlah"].tolist() == ["5", "83.85"]
    assert frame.attrs["rows"] == [2, 3]


def test_csv_ragged_rows_padded_and_blank_lines_skipped(tmp_path):
    path = write(tmp_path / "t.csv", "a,b,c\n1,2\n\n,,\n4,5,6,\n")
    frame = io.read_raw_table(path)
    assert frame.values.tolist() == [["1", "2", ""], ["4", "5", "6"]]
    # rows are numbered as in the file (header = row 1), blank lines skipped
    assert frame.attrs["rows"] == [2, 5]


def test_csv_extra_non_empty_cell_names_row(tmp_path):
    path = write(tmp_path / "t.csv", "a,b\n1,2\n3,4,oops\n")
    with pytest.raises(DataFileError, match=r"row 3: 3 cells but the header has 2"):
        io.read_raw_table(path)


def test_csv_not_utf8(tmp_path):
    path = write(tmp_path / "t.csv", "nama\nBalikpapan \xe9\n".encode("latin-1"))
    with pytest.raises(DataFileError, match="CSV UTF-8"):
        io.read_raw_table(path)


def test_csv_empty_file(tmp_path):
    path = write(tmp_path / "t.csv", "")
    with pytest.raises(DataFileError, match="empty file"):
        io.read_raw_table(path)


def test_missing_file(tmp_path):
    with pytest.raises(DataFileError, match="file not found"):
        io.read_raw_table(tmp_path / "nope.csv")


def test_unsupported_extension(tmp_path):
    path = write(tmp_path / "t.txt", "a\n1\n")
    with pytest.raises(DataFileError, match="unsupported file type"):
        io.read_raw_table(path)


def make_xlsx(path: Path) -> Path:
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "data"
    ws.append(["nama", "jumlah", "persen", "tanggal", None])
    ws.append(["A", 5, 83.85, dt.datetime(2017, 12, 31), None])
    ws.append([None, None, None, None, None])
    ws.append(["B", 7.0, None, dt.date(2018, 1, 2), None])
    other = wb.create_sheet("petunjuk")
    other.append(["ignored"])
    wb.save(path)
    return path


def test_csv_that_is_really_a_zip_or_xlsx(tmp_path):
    xlsx = make_xlsx(tmp_path / "t.xlsx")
    path = write(tmp_path / "t.csv", xlsx.read_bytes())
    with pytest.raises(DataFileError, match="spreadsheet file, not CSV"):
        io.read_raw_table(path)


def test_csv_that_is_really_legacy_xls(tmp_path):
    path = write(tmp_path / "t.csv", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64)
    with pytest.raises(DataFileError, match="spreadsheet file, not CSV"):
        io.read_raw_table(path)


# ------------------------------------------------------------------ XLSX


def test_xlsx_read_as_text(tmp_path):
    frame = io.read_raw_table(make_xlsx(tmp_path / "t.xlsx"))
    assert list(frame.columns) == ["nama", "jumlah", "persen", "tanggal"]
    assert frame.values.tolist() == [
        ["A", "5", "83.85", "2017-12-31"],
        ["B", "7", "", "2018-01-02"],
    ]
    assert frame.attrs["sheet"] == "data"
    assert frame.attrs["rows"] == [2, 4]


def test_xlsx_that_is_not_a_zip(tmp_path):
    path = write(tmp_path / "t.xlsx", "a,b\n1,2\n")
    with pytest.raises(DataFileError, match="not an Excel .xlsx workbook"):
        io.read_raw_table(path)


def test_xlsx_that_is_a_zip_but_not_a_workbook(tmp_path):
    path = tmp_path / "t.xlsx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("hello.txt", "hi")
    with pytest.raises(DataFileError, match="cannot read the workbook"):
        io.read_raw_table(path)


def test_find_raw_file(tmp_path):
    assert io.find_raw_file(tmp_path, "t") is None
    write(tmp_path / "t.csv", "a\n1\n")
    assert io.find_raw_file(tmp_path, "t") == tmp_path / "t.csv"
    make_xlsx(tmp_path / "t.xlsx")
    with pytest.raises(DataFileError, match="present twice"):
        io.find_raw_file(tmp_path, "t")


# ------------------------------------------------------------------ atomic writes


def test_write_folder_atomically_replaces_wholly(tmp_path):
    dest = tmp_path / "out"
    io.write_folder_atomically(dest, {"a.csv": b"1", "sub/b.csv": b"2"})
    assert (dest / "sub/b.csv").read_bytes() == b"2"
    io.write_folder_atomically(dest, {"c.csv": b"3"})
    assert sorted(p.name for p in dest.rglob("*")) == ["c.csv"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


class Exploding(Mapping):
    """Yields one file, then fails: a build that breaks midway."""

    def __getitem__(self, key):
        raise KeyError(key)

    def __len__(self) -> int:
        return 2

    def __iter__(self) -> Iterator[str]:
        return iter(["a.csv", "b.csv"])

    def items(self):
        yield "a.csv", b"new"
        raise RuntimeError("boom")


def test_write_folder_atomically_failure_keeps_old_folder(tmp_path):
    dest = tmp_path / "out"
    io.write_folder_atomically(dest, {"a.csv": b"old", "b.csv": b"old"})
    with pytest.raises(RuntimeError, match="boom"):
        io.write_folder_atomically(dest, Exploding())
    assert (dest / "a.csv").read_bytes() == b"old"
    assert (dest / "b.csv").read_bytes() == b"old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_swap_in(tmp_path):
    new, dest = tmp_path / "new", tmp_path / "dest"
    new.mkdir()
    (new / "x").write_text("new")
    io.swap_in(new, dest)  # no previous folder
    assert (dest / "x").read_text() == "new"
    new2 = tmp_path / "new2"
    new2.mkdir()
    (new2 / "y").write_text("newer")
    io.swap_in(new2, dest)
    assert [p.name for p in dest.iterdir()] == ["y"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dest"]


def test_write_file_atomically(tmp_path):
    path = tmp_path / "deep" / "f.csv"
    io.write_file_atomically(path, b"one")
    io.write_file_atomically(path, b"two")
    assert path.read_bytes() == b"two"
    assert [p.name for p in path.parent.iterdir()] == ["f.csv"]


def test_frame_to_csv_bytes_is_deterministic(tmp_path):
    frame = pd.DataFrame({"a": [1, 2], "b": ["x", None]})
    first = io.frame_to_csv_bytes(frame)
    assert first == io.frame_to_csv_bytes(frame.copy())
    assert first == b"a,b\n1,x\n2,\n"
    io.write_folder_atomically(tmp_path / "p", {"t.csv": first})
    back = io.read_processed_table(tmp_path / "p", "t")
    assert back["a"].tolist() == [1, 2]


def test_read_processed_table_missing(tmp_path):
    with pytest.raises(DataFileError, match="make data"):
        io.read_processed_table(tmp_path, "nope")


# ------------------------------------------------------------------ YAML


def test_read_yaml_ok(tmp_path):
    path = write(tmp_path / "p.yaml", "a: 1\nb: [x, y]\n")
    assert io.read_yaml(path) == {"a": 1, "b": ["x", "y"]}


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("a: [1, 2\n", "invalid YAML"),
        ("- 1\n- 2\n", "expected a mapping"),
        ("", "expected a mapping"),
    ],
)
def test_read_yaml_errors_name_the_file(tmp_path, content, message):
    path = write(tmp_path / "bad.yaml", content)
    with pytest.raises(ParamsError, match=message) as info:
        io.read_yaml(path)
    assert "bad.yaml" in str(info.value)


def test_read_yaml_missing_file(tmp_path):
    with pytest.raises(ParamsError, match="missing.yaml: file not found"):
        io.read_yaml(tmp_path / "missing.yaml")


def test_xlsx_parser_is_defused():
    """openpyxl parses workbook XML with defusedxml (a project dependency)."""
    import openpyxl.xml

    assert openpyxl.xml.DEFUSEDXML is True


def test_xlsx_with_an_entity_bomb_is_refused(tmp_path):
    import zipfile

    import openpyxl

    from lkjip_helpers.core.exceptions import DataFileError
    from lkjip_helpers.data.io import read_raw_table

    good = tmp_path / "good.xlsx"
    wb = openpyxl.Workbook()
    wb.active.append(["a"])
    wb.active.append(["1"])
    wb.save(good)
    bomb = tmp_path / "bomb.xlsx"
    entities = '<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>'
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(bomb, "w") as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                text = data.decode("utf-8")
                if "?>" in text:  # after an XML declaration, else at the very start
                    head, rest = text.split("?>", 1)
                    text = head + "?>" + entities + rest
                else:
                    text = entities + text
                data = text.encode("utf-8")
            dst.writestr(item, data)
    with pytest.raises(DataFileError, match="bomb.xlsx"):
        read_raw_table(bomb)


def test_semicolon_csv_from_indonesian_excel_is_split_on_semicolons(tmp_path):
    # Excel set to Indonesian saves "CSV" with ';' between fields and decimal commas.
    path = tmp_path / "t.csv"
    path.write_text("nama;nilai;jumlah\nA;1,5;1.234\nB;2;3\n", encoding="utf-8")
    frame = io.read_raw_table(path)
    assert list(frame.columns) == ["nama", "nilai", "jumlah"]
    assert frame.iloc[0].tolist() == ["A", "1,5", "1.234"]
    assert frame.attrs["delimiter"] == ";"


def test_comma_csv_with_semicolons_in_text_stays_comma_separated(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text('nama,keterangan\nA,"satu; dua"\n', encoding="utf-8")
    frame = io.read_raw_table(path)
    assert frame.iloc[0].tolist() == ["A", "satu; dua"]
    assert frame.attrs["delimiter"] == ","
