#!/usr/bin/env python3
"""bench/import_rows.py N — a CSV (UTF-8, ';') of N client rows as a Russian company's spreadsheet
holds them, for bench/import.sh: a company name, a valid 10-digit ИНН with a КПП, a city of the
demo company's territories, a contact with a phone (spelt in one of several ways) and an e-mail, a
kind, a comment. Every 10th row repeats an earlier company's ИНН with another person (merged on
import). Deterministic: the same N gives the same file."""
import random
import sys

n = int(sys.argv[1])
rng = random.Random(20261204)
forms = ["ООО", "АО", "ЗАО", "ПАО"]
words = ["Хлеб", "Мука", "Зерно", "Сдоба", "Пекарь", "Опт", "Торг", "Снаб", "Ресурс", "Поставка", "Мельница", "Каравай"]
first = ["Иван", "Пётр", "Анна", "Мария", "Сергей", "Ольга", "Алексей", "Елена"]
last = ["Иванов", "Петров", "Сидоров", "Смирнов", "Кузнецов", "Попов", "Соколов", "Лебедев"]
cities = ["Moscow", "Tula", "St Petersburg", "Kazan"]
kinds = ["Покупатель", "покупатель", "Поставщик", "Оба", ""]


def inn(seed: int) -> str:
    digits = f"{7700000000 // 10 + seed % 99999999:09d}"[:9]
    weights = [2, 4, 10, 3, 5, 9, 4, 6, 8]
    check = sum(int(d) * w for d, w in zip(digits, weights)) % 11 % 10
    return digits + str(check)


def phone(number: int) -> str:
    digits = f"{number:07d}"
    style = number % 4
    if style == 0:
        return f"+7 (495) {digits[:3]}-{digits[3:5]}-{digits[5:]}"
    if style == 1:
        return f"8 495 {digits[:3]} {digits[3:5]} {digits[5:]}"
    if style == 2:
        return f"8495{digits}"
    return f"+7495{digits}"


out = sys.stdout
out.write("Наименование;ИНН;КПП;Город;Контактное лицо;Должность;Телефон;E-mail;Вид;Комментарий\n")
companies = []
for row in range(n):
    if row % 10 == 9 and companies:
        company = companies[rng.randrange(len(companies))]
    else:
        seed = len(companies) + 1
        name = f"{forms[seed % 4]} «{words[seed % 12]}{words[(seed // 12) % 12].lower()} {seed}»"
        company = (name, inn(seed), inn(seed)[:4] + "01001", cities[seed % 4], kinds[seed % 5])
        companies.append(company)
    person = f"{last[row % 8]} {first[(row // 8) % 8]}"
    out.write(
        f"{company[0]};{company[1]};{company[2]};{company[3]};{person};Менеджер;{phone(row + 1000000)};"
        f"user{row}@example.ru;{company[4]};строка {row + 2}\n")
