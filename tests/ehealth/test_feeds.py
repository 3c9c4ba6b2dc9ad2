"""Feed parsers against the docs/feeds/FORMATS.md samples and every invalid case, fetched from a real HTTP server."""

import json

import pytest

from ehealth.feeds import FeedError, load_feed, parse_feed

from .conftest import sample

EXPECTED = {("VIP", ""): (6, 2), ("KELAS_3", ""): (12, 3), ("ICU", ""): (7, 1)}
SAMPLES = [
    ("fhir", "sample-fhir.json", "application/fhir+json"),
    ("aplicares", "sample-aplicares.json", "application/json"),
    ("sirs", "sample-sirs.json", "application/json"),
    ("csv", "sample.csv", "text/csv"),
]


@pytest.mark.parametrize(("fmt", "name", "ctype"), SAMPLES)
def test_every_sample_fetched_over_http_gives_vip_6_2_kelas3_12_3_icu_7_1(feed_server, fmt, name, ctype):
    url = feed_server.serve(f"/{fmt}", sample(name), content_type=ctype)
    result = load_feed(url=url, feed_format=fmt)
    assert result.classes == EXPECTED


def test_bearer_token_is_sent_and_wrong_token_gives_401_error(feed_server):
    url = feed_server.serve("/secure", sample("sample.csv"), token="rahasia")
    assert load_feed(url=url, feed_format="csv", token="rahasia").classes == EXPECTED
    with pytest.raises(FeedError) as exc:
        load_feed(url=url, feed_format="csv", token="salah")
    assert "401" in exc.value.message and "token" in exc.value.message
    assert "salah" not in exc.value.message
    assert feed_server.hits[0][1] == "Bearer rahasia"


def test_csv_with_bom_is_accepted(feed_server):
    url = feed_server.serve("/bom.csv", b"\xef\xbb\xbf" + sample("sample.csv"))
    assert load_feed(url=url, feed_format="csv").classes == EXPECTED


# --- FHIR specifics ------------------------------------------------------------------


def _fhir_pages():
    bundle = json.loads(sample("sample-fhir.json"))
    entries = bundle["entry"]
    # Reverse order: beds arrive before their ward, across pages.
    entries = list(reversed(entries))
    pages = [entries[i : i + 10] for i in range(0, len(entries), 10)]
    return pages


def test_fhir_paging_follows_next_links_on_the_same_host_with_beds_before_wards(feed_server):
    pages = _fhir_pages()
    for index, entries in enumerate(pages):
        body = {"resourceType": "Bundle", "type": "searchset", "entry": entries}
        if index + 1 < len(pages):
            body["link"] = [{"relation": "next", "url": feed_server.url(f"/fhir?page={index + 2}")}]
        path = "/fhir" if index == 0 else f"/fhir?page={index + 1}"
        feed_server.serve(path, json.dumps(body))
    result = load_feed(url=feed_server.url("/fhir"), feed_format="fhir")
    assert result.classes == EXPECTED
    assert len(feed_server.hits) == len(pages)


def test_fhir_next_link_to_another_host_is_refused(feed_server):
    body = {
        "resourceType": "Bundle",
        "type": "searchset",
        "entry": [],
        "link": [{"relation": "next", "url": "http://evil.example/fhir?page=2"}],
    }
    url = feed_server.serve("/fhir", json.dumps(body))
    with pytest.raises(FeedError, match="host lain"):
        load_feed(url=url, feed_format="fhir")


def test_fhir_more_than_50_pages_is_an_error(feed_server):
    for n in range(1, 60):
        body = {
            "resourceType": "Bundle",
            "type": "searchset",
            "entry": [],
            "link": [{"relation": "next", "url": feed_server.url(f"/p?page={n + 1}")}],
        }
        feed_server.serve("/p" if n == 1 else f"/p?page={n}", json.dumps(body))
    with pytest.raises(FeedError, match="50 halaman"):
        load_feed(url=feed_server.url("/p"), feed_format="fhir")
    assert len(feed_server.hits) == 50


def _ward(ward_id, name, **extra):
    return {
        "resourceType": "Location",
        "id": ward_id,
        "name": name,
        "status": "active",
        "physicalType": {
            "coding": [
                {
                    "system": "http://terminology.hl7.org/CodeSystem/location-physical-type",
                    "code": extra.pop("pt", "wa"),
                }
            ]
        },
        **extra,
    }


def _bed(bed_id, parent, code="U", status="active"):
    bed = _ward(bed_id, bed_id, pt="bd", partOf={"reference": f"Location/{parent}"})
    bed["status"] = status
    if code:
        bed["operationalStatus"] = {"system": "http://terminology.hl7.org/CodeSystem/v2-0116", "code": code}
    return bed


def _bundle(*resources):
    return json.dumps(
        {"resourceType": "Bundle", "type": "collection", "entry": [{"resource": r} for r in resources]}
    ).encode()


def test_fhir_bed_room_ward_chain_role_codes_text_and_unknown_as_lainnya():
    role = {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/v3-RoleCode", "code": "PEDNICU"}]}
    body = _bundle(
        _ward("nicu", "Ruang Bayi", type=[role]),
        _ward("nicu-r1", "Kamar 1", pt="ro", partOf={"reference": "Location/nicu"}),
        _bed("b1", "nicu-r1", "U"),
        _bed("b2", "nicu-r1", None),  # no operationalStatus: in service, not available
        _bed("b3", "nicu-r1", "U", status="suspended"),  # not in service
        _ward("hcu", "Lantai 3", type=[{"text": "hcu"}]),
        _bed("b4", "hcu", "K"),
        _ward("kemo", "Ruang Kemoterapi"),
        _bed("b5", "kemo", "U"),
        _ward("iso", "Isolasi"),
        _bed("b6", "iso", "U"),
    )
    result = parse_feed("fhir", body)
    assert result.classes == {
        ("NICU", ""): (2, 1),
        ("HCU", ""): (1, 0),
        ("LAINNYA", "Ruang Kemoterapi"): (1, 1),
        ("ISOLASI", ""): (1, 1),
    }
    assert result.unknown_codes == ["kemo"]


def test_fhir_bed_pointing_at_a_missing_ward_names_the_bed(feed_server):
    url = feed_server.serve("/fhir", _bundle(_ward("w1", "VIP"), _bed("b1", "w1"), _bed("b9", "hilang")))
    with pytest.raises(FeedError) as exc:
        load_feed(url=url, feed_format="fhir")
    assert "b9" in exc.value.message and "partOf" in exc.value.message


# --- Unknown codes and sums ---------------------------------------------------------------


def test_unknown_codes_are_kept_as_lainnya_under_the_room_name_and_same_class_rows_are_summed():
    aplicares = {
        "metadata": {"code": 1},
        "response": {
            "list": [
                {"kodekelas": "KL3", "namaruang": "Melati", "kapasitas": 10, "tersedia": 2},
                {"kodekelas": "KL3", "namaruang": "Mawar", "kapasitas": 5, "tersedia": 1},
                {"kodekelas": "NIC", "namaruang": "Bayi", "kapasitas": 4, "tersedia": 1},
                {"kodekelas": "XYZ", "namaruang": "Paviliun Khusus", "kapasitas": 3, "tersedia": 3},
            ]
        },
    }
    result = parse_feed("aplicares", json.dumps(aplicares).encode())
    assert result.classes == {("KELAS_3", ""): (15, 3), ("NICU", ""): (4, 1), ("LAINNYA", "Paviliun Khusus"): (3, 3)}
    assert result.unknown_codes == ["XYZ"]
    sirs = {
        "fasyankes": [
            {"id_tt": "11", "ruang": "PICU", "jumlah": 4, "terpakai": 4},
            {"id_tt": "99", "ruang": "Ruang X", "jumlah": 2, "terpakai": 0},
        ]
    }
    assert parse_feed("sirs", json.dumps(sirs).encode()).classes == {
        ("PICU", ""): (4, 0),
        ("LAINNYA", "Ruang X"): (2, 2),
    }
    csv_body = b"kelas,ruang,kapasitas,terisi\nKRIS,A,10,4\nKRIS,B,6,6\nHEMODIALISA,HD,8,2\n"
    assert parse_feed("csv", csv_body).classes == {("KRIS", ""): (16, 6), ("LAINNYA", "HD"): (8, 6)}


def test_aplicares_metadata_error_from_the_hospital_is_reported():
    body = json.dumps({"metadata": {"code": 201, "message": "Data tidak ditemukan"}, "response": None}).encode()
    with pytest.raises(FeedError, match="Data tidak ditemukan"):
        parse_feed("aplicares", body)


# --- Every invalid case of FORMATS.md, over a real HTTP server -------------------------------------


def test_timeout_is_an_error(feed_server, settings):
    settings.EHEALTH_FEED_TIMEOUT = 0.5
    url = feed_server.serve("/slow", sample("sample.csv"), delay=1.5)
    with pytest.raises(FeedError) as exc:
        load_feed(url=url, feed_format="csv")
    assert "tidak menjawab" in exc.value.message and exc.value.retryable


@pytest.mark.parametrize("declared", [True, False])
def test_body_over_5_mb_is_an_error(feed_server, declared):
    big = b"kelas,ruang,kapasitas,terisi\n" + b"VIP,A,1,0\n" * 600_000
    url = feed_server.serve("/big", big, no_length=not declared)
    with pytest.raises(FeedError, match="5.0 MB"):
        load_feed(url=url, feed_format="csv")


def test_http_500_is_a_retryable_error(feed_server):
    url = feed_server.serve("/err", b"oops", status=500)
    with pytest.raises(FeedError) as exc:
        load_feed(url=url, feed_format="sirs")
    assert "HTTP 500" in exc.value.message and exc.value.retryable


def test_connection_refused_is_a_retryable_error():
    with pytest.raises(FeedError) as exc:
        load_feed(url="http://127.0.0.1:9/feed", feed_format="csv")
    assert exc.value.retryable


INVALID = [
    ("aplicares", b'{"response": {"list": [', "JSON"),
    ("fhir", b"<html>not json</html>", "JSON"),
    (
        "sirs",
        json.dumps({"fasyankes": [{"id_tt": "2", "ruang": "Anggrek", "jumlah": -6, "terpakai": 0}]}),
        "Baris 1 (Anggrek), kolom jumlah",
    ),
    (
        "aplicares",
        json.dumps(
            {
                "metadata": {"code": 1},
                "response": {
                    "list": [
                        {"kodekelas": "VIP", "namaruang": "Anggrek", "kapasitas": 6, "tersedia": 2},
                        {"kodekelas": "ICU", "namaruang": "ICU", "kapasitas": 7, "tersedia": 9},
                    ]
                },
            }
        ),
        "Baris 2 (ICU), kolom tersedia",
    ),
    ("csv", b"kelas,ruang,kapasitas,terisi\nVIP,Anggrek,6,7\n", "Baris 2 (Anggrek), kolom terisi"),
    (
        "sirs",
        json.dumps({"fasyankes": [{"id_tt": "2", "ruang": "Anggrek", "jumlah": 6, "terpakai": 8}]}),
        "kolom terpakai",
    ),
    (
        "aplicares",
        json.dumps(
            {
                "metadata": {"code": 1},
                "response": {"list": [{"kodekelas": "VIP", "namaruang": "Anggrek", "kapasitas": 6.5, "tersedia": 2}]},
            }
        ),
        "kolom kapasitas",
    ),
    ("csv", b"kelas,ruang,kapasitas,terisi\nVIP,Anggrek,enam,1\n", "Baris 2 (Anggrek), kolom kapasitas"),
    ("csv", b"kelas,ruang,kapasitas,terisi\nVIP,Anggrek,6,-1\n", "kolom terisi"),
    ("csv", b"kelas,ruang,kapasitas,terisi\n", "tidak berisi baris"),
    ("csv", b"", "Header CSV"),
    ("aplicares", json.dumps({"metadata": {"code": 1}, "response": {"list": []}}), "tidak berisi baris"),
    ("sirs", json.dumps({"fasyankes": []}), "tidak berisi baris"),
    ("fhir", json.dumps({"resourceType": "Bundle", "type": "searchset", "entry": []}), "tempat tidur"),
    ("sirs", json.dumps([1, 2]), "fasyankes"),
]


@pytest.mark.parametrize(("fmt", "body", "message"), INVALID)
def test_invalid_feed_is_rejected_with_a_message_naming_row_and_field(feed_server, fmt, body, message):
    url = feed_server.serve("/feed", body)
    with pytest.raises(FeedError) as exc:
        load_feed(url=url, feed_format=fmt)
    assert message in exc.value.message
