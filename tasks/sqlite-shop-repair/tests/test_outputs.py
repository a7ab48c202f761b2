"""Compares the repaired /app/shop.db with the expected rows."""
import sqlite3

import pytest

DB = "/app/shop.db"

# (id, email, name, created_at)
EXPECTED_CUSTOMERS = [
    [1, "ana.larsen@example.com", "Ana Larsen", "2023-02-02"],
    [2, "ben.rossi@example.com", "Ben Rossi", "2023-03-03"],
    [3, "chloe.meyer@example.com", "Chloe Meyer", "2023-04-04"],
    [4, "dmitri.costa@example.com", "Dmitri Costa", "2022-11-02"],
    [5, "eva.khan@example.com", "Eva Khan", "2023-06-06"],
    [6, "farid.dubois@example.com", "Farid Dubois", "2023-07-07"],
    [7, "grace.berg@example.com", "Grace Berg", "2023-08-08"],
    [8, "hugo.smith@example.com", "Hugo Smith", "2023-09-09"],
    [9, "ines.novak@example.com", "Ines Novak", "2023-10-10"],
    [10, "jonas.silva@example.com", "Jonas Silva", "2023-11-11"],
    [11, "kemal.larsen@example.com", "Kemal Larsen", "2023-12-12"],
    [12, "lea.rossi@example.com", "Lea Rossi", "2023-01-13"],
    [13, "marta.meyer@example.com", "Marta Meyer", "2023-02-14"],
    [14, "nils.costa@example.com", "Nils Costa", "2023-03-15"],
    [15, "olga.khan@example.com", "Olga Khan", "2023-04-16"],
    [16, "pablo.dubois@example.com", "Pablo Dubois", "2023-05-17"],
    [17, "quinn.berg@example.com", "Quinn Berg", "2023-06-18"],
    [18, "rosa.smith@example.com", "Rosa Smith", "2023-07-19"],
    [19, "sami.novak@example.com", "Sami Novak", "2023-08-20"],
    [20, "tara.silva@example.com", "Tara Silva", "2023-09-21"],
    [21, "ugo.larsen@example.com", "Ugo Larsen", "2023-10-22"],
    [22, "vera.rossi@example.com", "Vera Rossi", "2021-06-30"],
    [23, "wen.meyer@example.com", "Wen Meyer", "2023-12-24"],
    [24, "xavier.costa@example.com", "Xavier Costa", "2023-01-25"],
    [25, "yara.khan@example.com", "Yara Khan", "2023-02-26"],
    [26, "zoltan.dubois@example.com", "Zoltan Dubois", "2023-03-27"],
    [27, "amir.berg@example.com", "Amir Berg", "2023-04-01"],
    [28, "bea.smith@example.com", "Bea Smith", "2023-05-02"],
    [29, "carl.novak@example.com", "Carl Novak", "2023-06-03"],
    [30, "dora.silva@example.com", "Dora Silva", "2023-07-04"],
    [31, "emil.larsen@example.com", "Emil Larsen", "2023-08-05"],
    [32, "fleur.rossi@example.com", "Fleur Rossi", "2023-09-06"],
    [33, "gus.meyer@example.com", "Gus Meyer", "2023-10-07"],
    [34, "hana.costa@example.com", "Hana Costa", "2023-11-08"],
    [35, "ivo.khan@example.com", "Ivo Khan", "2023-12-09"],
    [36, "jade.dubois@example.com", "Jade Dubois", "2023-01-10"],
]

# (id, customer_id, placed_at, status, total_cents)
EXPECTED_ORDERS = [
    [1, 17, "2024-03-07", "paid", 23499],
    [2, 10, "2024-05-21", "refunded", 597],
    [3, 32, "2024-02-26", "paid", 16197],
    [4, 5, "2024-01-28", "paid", 503],
    [5, 30, "2024-01-26", "refunded", 3897],
    [6, 36, "2024-01-12", "refunded", 18000],
    [7, 34, "2024-02-08", "refunded", 2170],
    [8, 28, "2024-01-09", "refunded", 5256],
    [9, 27, "2024-05-01", "paid", 6640],
    [10, 9, "2024-02-09", "paid", 500],
    [11, 2, "2024-01-28", "paid", 12864],
    [12, 27, "2024-03-18", "paid", 7694],
    [14, 19, "2024-04-16", "refunded", 8277],
    [15, 18, "2024-03-25", "shipped", 27069],
    [16, 7, "2024-02-05", "paid", 9000],
    [17, 36, "2024-05-22", "refunded", 995],
    [18, 9, "2024-01-21", "paid", 22545],
    [19, 6, "2024-06-10", "paid", 2857],
    [20, 35, "2024-01-14", "paid", 1299],
    [21, 9, "2024-01-26", "paid", 0],
    [22, 9, "2024-03-21", "paid", 199],
    [23, 25, "2024-05-23", "paid", 1075],
    [24, 21, "2024-04-08", "paid", 8055],
    [25, 15, "2024-06-21", "paid", 9090],
    [26, 17, "2024-03-26", "paid", 13545],
    [27, 19, "2024-03-16", "paid", 18000],
    [28, 5, "2024-03-10", "paid", 13500],
    [29, 28, "2024-05-17", "refunded", 26590],
    [30, 36, "2024-04-20", "paid", 4995],
    [31, 29, "2024-05-28", "shipped", 995],
    [32, 22, "2024-03-22", "paid", 2997],
    [33, 8, "2024-04-23", "paid", 4296],
    [34, 6, "2024-06-09", "paid", 5196],
    [35, 7, "2024-05-21", "shipped", 1025],
    [36, 7, "2024-05-14", "paid", 199],
    [37, 23, "2024-04-15", "paid", 11260],
    [38, 4, "2024-06-24", "paid", 4247],
    [39, 35, "2024-05-03", "refunded", 1045],
    [40, 35, "2024-04-15", "shipped", 13240],
    [41, 17, "2024-03-16", "paid", 5893],
    [42, 6, "2024-02-24", "shipped", 8493],
    [43, 16, "2024-01-21", "paid", 26297],
    [44, 11, "2024-01-12", "shipped", 8489],
    [45, 30, "2024-01-05", "paid", 23495],
    [46, 1, "2024-02-10", "paid", 7908],
    [47, 3, "2024-06-01", "shipped", 4626],
    [48, 30, "2024-02-18", "paid", 5341],
    [49, 29, "2024-03-20", "paid", 2046],
    [50, 22, "2024-05-24", "refunded", 5992],
    [51, 14, "2024-01-20", "paid", 29541],
    [52, 10, "2024-02-10", "shipped", 4699],
    [53, 18, "2024-04-10", "paid", 5992],
    [54, 17, "2024-03-28", "paid", 1998],
    [55, 34, "2024-05-26", "paid", 5593],
    [56, 2, "2024-03-14", "paid", 3624],
    [58, 26, "2024-04-02", "shipped", 21195],
    [59, 19, "2024-01-08", "shipped", 23055],
    [60, 2, "2024-04-22", "refunded", 5292],
    [61, 18, "2024-02-15", "refunded", 5745],
    [62, 9, "2024-01-06", "shipped", 6196],
    [63, 9, "2024-05-04", "refunded", 23045],
    [64, 33, "2024-01-23", "paid", 0],
    [65, 13, "2024-06-25", "paid", 18886],
    [66, 4, "2024-03-06", "shipped", 2448],
    [67, 6, "2024-06-13", "paid", 4394],
    [68, 8, "2024-03-09", "shipped", 8458],
    [69, 3, "2024-03-04", "paid", 3897],
    [70, 6, "2024-05-15", "paid", 6540],
    [71, 7, "2024-05-02", "refunded", 6995],
    [72, 14, "2024-05-03", "paid", 6291],
    [73, 24, "2024-03-06", "paid", 1015],
    [74, 22, "2024-01-12", "paid", 4500],
    [75, 1, "2024-01-06", "refunded", 1244],
    [76, 11, "2024-01-09", "shipped", 3897],
    [77, 36, "2024-02-22", "paid", 23545],
    [78, 18, "2024-03-05", "refunded", 30354],
    [79, 15, "2024-03-23", "paid", 24325],
    [80, 7, "2024-06-10", "refunded", 50500],
    [81, 12, "2024-06-28", "paid", 750],
    [82, 30, "2024-04-13", "paid", 7593],
    [83, 29, "2024-04-01", "refunded", 25497],
    [84, 23, "2024-02-16", "shipped", 250],
    [85, 27, "2024-02-23", "paid", 2642],
    [86, 1, "2024-02-22", "refunded", 13494],
    [87, 21, "2024-01-14", "refunded", 37014],
    [89, 4, "2024-06-24", "shipped", 8764],
    [90, 15, "2024-03-05", "paid", 6745],
    [91, 23, "2024-04-22", "shipped", 15495],
    [92, 19, "2024-05-11", "paid", 10592],
    [93, 13, "2024-02-24", "paid", 398],
    [94, 1, "2024-06-21", "paid", 13496],
    [95, 7, "2024-04-11", "paid", 898],
    [96, 36, "2024-01-09", "paid", 22560],
    [97, 7, "2024-03-15", "paid", 6691],
    [98, 33, "2024-01-22", "refunded", 796],
    [99, 2, "2024-01-25", "paid", 18250],
    [100, 31, "2024-01-06", "paid", 7393],
]

EXPECTED_ITEM_IDS = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 36, 37, 38, 39, 40, 41, 42, 43, 44, 45, 46, 47, 48, 49, 50, 51, 52, 53, 54, 55, 56, 57, 58, 59, 60, 61, 62, 63, 64, 65, 66, 67, 68, 69, 70, 71, 72, 73, 74, 75, 76, 77, 78, 79, 80, 81, 82, 83, 84, 85, 86, 87, 88, 89, 90, 91, 92, 93, 94, 95, 96, 97, 98, 99, 100, 101, 102, 103, 104, 105, 106, 107, 108, 109, 110, 111, 112, 113, 114, 115, 116, 117, 118, 119, 120, 121, 122, 123, 124, 125, 126, 127, 128, 129, 130, 131, 132, 133, 134, 135, 136, 137, 138, 139, 144, 145, 146, 147, 148, 149, 150, 151, 152, 153, 154, 155, 156, 157, 158, 159, 160, 161, 162, 163, 164, 165, 166, 167, 168, 169, 170, 171, 172, 173, 174, 175, 176, 177, 178, 179, 180, 181, 182, 183, 184, 185, 186, 187, 188, 189, 190, 191, 192, 193, 194, 195, 196, 197, 198, 199, 200, 201, 202, 203, 204, 205, 206, 207, 208, 209, 210, 211, 212, 213, 214, 215, 216, 217, 218, 219, 220, 221, 222, 223, 224, 226, 227, 228, 229, 230, 231, 232, 233, 234, 235, 236, 237, 238, 239, 240, 241, 242, 243, 244, 245, 246, 247, 248, 249, 250, 251, 252, 253, 254, 255]


@pytest.fixture
def db():
    con = sqlite3.connect(DB)
    yield con
    con.rollback()
    con.close()


def rows(con, sql):
    return [list(r) for r in con.execute(sql).fetchall()]


def test_columns_kept(db):
    cols = {t: [r[1] for r in db.execute(f"PRAGMA table_info({t})")] for t in ("customers", "orders", "order_items")}
    assert cols == {
        "customers": ["id", "email", "name", "created_at"],
        "orders": ["id", "customer_id", "placed_at", "status", "total_cents"],
        "order_items": ["id", "order_id", "sku", "qty", "unit_price_cents"],
    }


def test_customers_merged_and_normalised(db):
    assert rows(db, "SELECT id, email, name, created_at FROM customers ORDER BY id") == EXPECTED_CUSTOMERS


def test_orders_reassigned_and_totals(db):
    got = rows(db, "SELECT id, customer_id, placed_at, status, total_cents FROM orders ORDER BY id")
    assert [r[:4] for r in got] == [r[:4] for r in EXPECTED_ORDERS]
    assert got == EXPECTED_ORDERS


def test_items_kept(db):
    assert [r[0] for r in db.execute("SELECT id FROM order_items ORDER BY id")] == EXPECTED_ITEM_IDS
    # untouched columns of the kept items
    assert db.execute("SELECT sum(qty * unit_price_cents) FROM order_items").fetchone()[0] == sum(
        o[4] for o in EXPECTED_ORDERS
    )


def test_integrity(db):
    assert db.execute("PRAGMA foreign_key_check").fetchall() == []
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_duplicate_email_rejected(db):
    email = EXPECTED_CUSTOMERS[0][1]
    with pytest.raises(sqlite3.IntegrityError):
        db.execute(
            "INSERT INTO customers (id, email, name, created_at) VALUES (1000, ?, 'Dup', '2024-07-01')",
            (email,),
        )
