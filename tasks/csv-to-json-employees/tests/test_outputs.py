"""Compares /app/out/employees.json with the expected transformation."""
import hashlib
import json
from pathlib import Path

import pytest

OUT = Path("/app/out/employees.json")

EXPECTED = {
    "departments": [
        {
            "name": "Customer Support",
            "headcount": 11,
            "employees": [
                {
                    "id": 1011,
                    "name": "Nadia Ivanova",
                    "start_date": "2017-07-26",
                    "salary": 88600,
                    "email": "nadia.ivanova@corp.example",
                    "manager_id": 1004
                },
                {
                    "id": 1012,
                    "name": "Tomoko Ivanova",
                    "start_date": "2021-02-06",
                    "salary": 81100,
                    "email": "tomoko.ivanova@corp.example",
                    "manager_id": 1004
                },
                {
                    "id": 1015,
                    "name": "Amara Brennan",
                    "start_date": "2021-09-11",
                    "salary": 106100.5,
                    "email": "amara.brennan@corp.example",
                    "manager_id": 1010
                },
                {
                    "id": 1016,
                    "name": "Ilse Fischer",
                    "start_date": "2017-06-08",
                    "salary": 81200,
                    "email": "ilse.fischer@corp.example",
                    "manager_id": 1006
                },
                {
                    "id": 1030,
                    "name": "Oskar Brennan",
                    "start_date": "2016-11-05",
                    "salary": 51400,
                    "email": "oskar.brennan@corp.example",
                    "manager_id": 1005
                },
                {
                    "id": 1039,
                    "name": "Tanaka, Ilse",
                    "start_date": "2019-11-14",
                    "salary": 69700,
                    "email": "ilse.tanaka@corp.example",
                    "manager_id": 1033
                },
                {
                    "id": 1040,
                    "name": "Hassan Haddad",
                    "start_date": "2022-04-29",
                    "salary": 50400,
                    "email": "hassan.haddad@corp.example",
                    "manager_id": 1038
                },
                {
                    "id": 1042,
                    "name": "Hassan Kowalski",
                    "start_date": "2020-01-09",
                    "salary": 43400,
                    "email": "hassan.kowalski@corp.example",
                    "manager_id": 1021
                },
                {
                    "id": 1055,
                    "name": "Oskar Lindqvist",
                    "start_date": "2016-05-05",
                    "salary": 39000,
                    "email": "oskar.lindqvist@corp.example",
                    "manager_id": 1039
                },
                {
                    "id": 1059,
                    "name": "Kofi Fischer",
                    "start_date": "2015-11-10",
                    "salary": 114700,
                    "email": "kofi.fischer@corp.example",
                    "manager_id": 1019
                },
                {
                    "id": 1060,
                    "name": "Chen Moreau",
                    "start_date": "2019-08-02",
                    "salary": 105100,
                    "email": "chen.moreau@corp.example",
                    "manager_id": 1059
                }
            ]
        },
        {
            "name": "Engineering",
            "headcount": 7,
            "employees": [
                {
                    "id": 1004,
                    "name": "Priya Lindqvist",
                    "start_date": "2016-06-03",
                    "salary": 89700,
                    "email": "priya.lindqvist@corp.example",
                    "manager_id": 1001
                },
                {
                    "id": 1010,
                    "name": "Priya Haddad",
                    "start_date": "2016-02-20",
                    "salary": 99000,
                    "email": "priya.haddad@corp.example",
                    "manager_id": 1007
                },
                {
                    "id": 1021,
                    "name": "Elif Kowalski",
                    "start_date": "2017-04-15",
                    "salary": 85100,
                    "email": "elif.kowalski@corp.example",
                    "manager_id": 1015
                },
                {
                    "id": 1027,
                    "name": "Priya Lindqvist",
                    "start_date": "2017-09-12",
                    "salary": 64900,
                    "email": "priya.lindqvist@corp.example",
                    "manager_id": 1017
                },
                {
                    "id": 1029,
                    "name": "Ilse Moreau",
                    "start_date": "2022-04-11",
                    "salary": 88900.5,
                    "email": "ilse.moreau@corp.example",
                    "manager_id": 1002
                },
                {
                    "id": 1034,
                    "name": "Wanjiru Kowalski",
                    "start_date": "2016-01-12",
                    "salary": 50900,
                    "email": "wanjiru.kowalski@corp.example",
                    "manager_id": 1007
                },
                {
                    "id": 1037,
                    "name": "Ilse Brennan",
                    "start_date": "2021-06-21",
                    "salary": 83400,
                    "email": "ilse.brennan@corp.example",
                    "manager_id": 1033
                }
            ]
        },
        {
            "name": "Finance",
            "headcount": 14,
            "employees": [
                {
                    "id": 1002,
                    "name": "Kofi Haddad",
                    "start_date": "2020-10-12",
                    "salary": 88500,
                    "email": "kofi.haddad@corp.example",
                    "manager_id": None
                },
                {
                    "id": 1003,
                    "name": "Priya Moreau",
                    "start_date": "2021-06-08",
                    "salary": 116100,
                    "email": "priya.moreau@corp.example",
                    "manager_id": None
                },
                {
                    "id": 1005,
                    "name": "Kofi Lindqvist",
                    "start_date": "2023-01-19",
                    "salary": 62300,
                    "email": "kofi.lindqvist@corp.example",
                    "manager_id": 1002
                },
                {
                    "id": 1013,
                    "name": "Hassan Kowalski",
                    "start_date": "2020-12-05",
                    "salary": 77100,
                    "email": "hassan.kowalski@corp.example",
                    "manager_id": 1002
                },
                {
                    "id": 1014,
                    "name": "Bruno Brennan",
                    "start_date": "2016-02-19",
                    "salary": 81300,
                    "email": "bruno.brennan@corp.example",
                    "manager_id": 1001
                },
                {
                    "id": 1018,
                    "name": "Priya Alves",
                    "start_date": "2020-03-23",
                    "salary": 76200,
                    "email": "priya.alves@corp.example",
                    "manager_id": 1010
                },
                {
                    "id": 1019,
                    "name": "Rhea Brennan",
                    "start_date": "2015-04-11",
                    "salary": 40600,
                    "email": "rhea.brennan@corp.example",
                    "manager_id": 1006
                },
                {
                    "id": 1031,
                    "name": "Nadia Tanaka",
                    "start_date": "2018-12-28",
                    "salary": 88500,
                    "email": "nadia.tanaka@corp.example",
                    "manager_id": 1004
                },
                {
                    "id": 1032,
                    "name": "Quentin Tanaka",
                    "start_date": "2023-04-11",
                    "salary": 66200,
                    "email": "quentin.tanaka@corp.example",
                    "manager_id": 1022
                },
                {
                    "id": 1036,
                    "name": "Nadia Fischer",
                    "start_date": "2022-06-29",
                    "salary": 122100.5,
                    "email": "nadia.fischer@corp.example",
                    "manager_id": 1035
                },
                {
                    "id": 1038,
                    "name": "Chen Okafor",
                    "start_date": "2020-02-26",
                    "salary": 58500,
                    "email": "chen.okafor@corp.example",
                    "manager_id": 1020
                },
                {
                    "id": 1047,
                    "name": "Chen Lindqvist",
                    "start_date": "2018-01-18",
                    "salary": 92200,
                    "email": "chen.lindqvist@corp.example",
                    "manager_id": 1019
                },
                {
                    "id": 1052,
                    "name": "Elif Kowalski",
                    "start_date": "2019-02-05",
                    "salary": 72600,
                    "email": "elif.kowalski@corp.example",
                    "manager_id": 1001
                },
                {
                    "id": 1053,
                    "name": "Ilse Tanaka",
                    "start_date": "2019-12-16",
                    "salary": 87200,
                    "email": "ilse.tanaka@corp.example",
                    "manager_id": 1048
                }
            ]
        },
        {
            "name": "Research & Development",
            "headcount": 11,
            "employees": [
                {
                    "id": 1007,
                    "name": "Kofi Kowalski",
                    "start_date": "2019-06-04",
                    "salary": 79300,
                    "email": "kofi.kowalski@corp.example",
                    "manager_id": 1003
                },
                {
                    "id": 1023,
                    "name": "Viktor Moreau",
                    "start_date": "2016-06-29",
                    "salary": 52100,
                    "email": "viktor.moreau@corp.example",
                    "manager_id": 1022
                },
                {
                    "id": 1024,
                    "name": "Elif Lindqvist",
                    "start_date": "2019-03-09",
                    "salary": 122300,
                    "email": "elif.lindqvist@corp.example",
                    "manager_id": 1004
                },
                {
                    "id": 1026,
                    "name": "Gita Brennan",
                    "start_date": "2019-12-18",
                    "salary": 79200,
                    "email": "gita.brennan@corp.example",
                    "manager_id": 1005
                },
                {
                    "id": 1035,
                    "name": "Hassan Moreau",
                    "start_date": "2015-01-23",
                    "salary": 71300,
                    "email": "hassan.moreau@corp.example",
                    "manager_id": 1032
                },
                {
                    "id": 1044,
                    "name": "Viktor Haddad",
                    "start_date": "2018-05-24",
                    "salary": 84000,
                    "email": "viktor.haddad@corp.example",
                    "manager_id": 1002
                },
                {
                    "id": 1045,
                    "name": "Amara Haddad",
                    "start_date": "2015-11-15",
                    "salary": 121300,
                    "email": "amara.haddad@corp.example",
                    "manager_id": 1025
                },
                {
                    "id": 1046,
                    "name": "Felix Haddad",
                    "start_date": "2016-06-07",
                    "salary": 96200,
                    "email": "felix.haddad@corp.example",
                    "manager_id": 1044
                },
                {
                    "id": 1048,
                    "name": "Amara Lindqvist",
                    "start_date": "2020-06-06",
                    "salary": 87100,
                    "email": "amara.lindqvist@corp.example",
                    "manager_id": 1007
                },
                {
                    "id": 1051,
                    "name": "Quentin Tanaka",
                    "start_date": "2016-03-02",
                    "salary": 63100,
                    "email": "quentin.tanaka@corp.example",
                    "manager_id": 1030
                },
                {
                    "id": 1056,
                    "name": "Nadia Kowalski",
                    "start_date": "2015-04-29",
                    "salary": 85100,
                    "email": "nadia.kowalski@corp.example",
                    "manager_id": 1015
                }
            ]
        },
        {
            "name": "Sales",
            "headcount": 9,
            "employees": [
                {
                    "id": 1006,
                    "name": "Haddad, Bruno",
                    "start_date": "2015-01-17",
                    "salary": 70600,
                    "email": "bruno.haddad@corp.example",
                    "manager_id": 1002
                },
                {
                    "id": 1008,
                    "name": "Joao Moreau",
                    "start_date": "2021-09-29",
                    "salary": 95300.5,
                    "email": "joao.moreau@corp.example",
                    "manager_id": 1004
                },
                {
                    "id": 1020,
                    "name": "Quentin Ivanova",
                    "start_date": "2017-04-30",
                    "salary": 60800,
                    "email": "quentin.ivanova@corp.example",
                    "manager_id": 1011
                },
                {
                    "id": 1022,
                    "name": "Amara Haddad",
                    "start_date": "2017-10-07",
                    "salary": 109000.5,
                    "email": "amara.haddad@corp.example",
                    "manager_id": 1012
                },
                {
                    "id": 1028,
                    "name": "Okafor, Wanjiru",
                    "start_date": "2019-05-15",
                    "salary": 100500,
                    "email": "wanjiru.okafor@corp.example",
                    "manager_id": 1014
                },
                {
                    "id": 1043,
                    "name": "Lena Ivanova",
                    "start_date": "2016-07-20",
                    "salary": 56000.5,
                    "email": "lena.ivanova@corp.example",
                    "manager_id": 1006
                },
                {
                    "id": 1050,
                    "name": "Ivanova, Rhea",
                    "start_date": "2019-06-08",
                    "salary": 68800.5,
                    "email": "rhea.ivanova@corp.example",
                    "manager_id": 1042
                },
                {
                    "id": 1054,
                    "name": "Kofi Alves",
                    "start_date": "2016-01-29",
                    "salary": 61100,
                    "email": "kofi.alves@corp.example",
                    "manager_id": 1035
                },
                {
                    "id": 1058,
                    "name": "Tomoko Moreau",
                    "start_date": "2020-03-26",
                    "salary": 87400,
                    "email": "tomoko.moreau@corp.example",
                    "manager_id": 1032
                }
            ]
        }
    ]
}


@pytest.fixture(scope="module")
def out():
    assert OUT.is_file(), "/app/out/employees.json was not written"
    return json.loads(OUT.read_text())


def employees(doc):
    return {e["id"]: e for d in doc["departments"] for e in d["employees"]}


def test_shape(out):
    assert set(out) == {"departments"}
    for d in out["departments"]:
        assert set(d) == {"name", "headcount", "employees"}
        for e in d["employees"]:
            assert set(e) == {"id", "name", "start_date", "salary", "email", "manager_id"}


def test_departments_and_headcounts(out):
    got = [(d["name"], d["headcount"], len(d["employees"])) for d in out["departments"]]
    assert got == [(d["name"], d["headcount"], d["headcount"]) for d in EXPECTED["departments"]]


def test_active_filter_and_duplicates(out):
    assert sorted(employees(out)) == sorted(employees(EXPECTED))


@pytest.mark.parametrize("field", ["name", "start_date", "salary", "email", "manager_id"])
def test_field_values(out, field):
    got, exp = employees(out), employees(EXPECTED)
    wrong = {i: (got[i].get(field), exp[i][field]) for i in exp if i in got and got[i].get(field) != exp[i][field]}
    assert not wrong, f"{len(wrong)} wrong values, e.g. {list(wrong.items())[:3]}"


def test_types(out):
    for e in employees(out).values():
        assert isinstance(e["id"], int) and not isinstance(e["id"], bool)
        assert isinstance(e["salary"], (int, float)) and not isinstance(e["salary"], bool)
        assert e["manager_id"] is None or isinstance(e["manager_id"], int)


def test_order_and_exact_document(out):
    for d in out["departments"]:
        ids = [e["id"] for e in d["employees"]]
        assert ids == sorted(ids)
    assert out == EXPECTED
