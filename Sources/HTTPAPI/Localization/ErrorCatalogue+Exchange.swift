extension ErrorCatalogue {
    /// The 1C exchange (`Sources/HTTPAPI/Exchange`, `sql/schema/exchange`): the reasons of
    /// `failure\n<reason>`, which 1C shows to its operator in Russian.
    static let exchange: [Entry] = [
        .init("exchange_file_unreadable", "cannot open the file {}", "не удаётся открыть файл {1}"),
        .init("exchange_bad_xml", "bad XML at line {}: the document ends early", "ошибка XML в строке {1}: документ обрывается"),
        .init("exchange_bad_xml", "bad XML at line {}: libxml2 error {}", "ошибка XML в строке {1}: код ошибки libxml2 {2}"),
        .init(
            "exchange_not_commerceml", "not a CommerceML document (no КоммерческаяИнформация)",
            "это не документ CommerceML (нет элемента КоммерческаяИнформация)"),
        .init(
            "exchange_unknown_version", "unknown CommerceML schema version {} (2.03 to 2.10 are read)",
            "неизвестная версия схемы CommerceML {1} (поддерживаются версии с 2.03 по 2.10)"),
        .init("exchange_product_incomplete", "a product without Ид or Наименование", "у товара нет Ид или Наименования"),
        .init("exchange_bad_price", "offer {}: ЦенаЗаЕдиницу {} is not a number", "предложение {1}: ЦенаЗаЕдиницу {2} — не число"),
        .init("exchange_bad_quantity", "offer {}: Количество {} is not a number", "предложение {1}: Количество {2} — не число"),
        .init("exchange_offer_incomplete", "an offer without Ид", "у предложения нет Ид"),
        .init("exchange_document_incomplete", "a document without Ид or Номер", "у документа нет Ид или Номера"),
        .init("exchange_group_incomplete", "a group without Ид or Наименование", "у группы нет Ид или Наименования"),
        .init("exchange_no_filename", "the file name is missing (filename=…)", "не указано имя файла (filename=…)"),
        .init("exchange_bad_filename", "the file name {} is not allowed", "недопустимое имя файла {1}"),
        .init("exchange_path_escapes", "the file name {} leaves the exchange folder", "имя файла {1} выходит за пределы папки обмена"),
        .init("exchange_unknown_type", "unknown exchange type {} (catalog or sale)", "неизвестный тип обмена {1} (catalog или sale)"),
        .init(
            "exchange_no_session", "no exchange session: call mode=checkauth first",
            "нет сеанса обмена: сначала выполните mode=checkauth"),
        .init("exchange_unknown_mode", "unknown exchange mode {}", "неизвестный режим обмена {1}"),
        .init(
            "exchange_basic_auth", "sign in with HTTP Basic authentication (the exchange account's login and password)",
            "войдите с HTTP Basic-аутентификацией (логин и пароль учётной записи обмена)"),
        .init("exchange_part_too_large", "a part is larger than file_limit ({} bytes)", "часть файла больше file_limit ({1} байт)"),
        .init("exchange_file_missing", "no file {} was sent in this session", "файл {1} не передавался в этом сеансе обмена"),
        .init(
            "exchange_not_account", "not an exchange account: the user needs an integration role",
            "это не учётная запись обмена: пользователю нужна роль интеграции"),
        .init("exchange_unknown_parent", "group {} names an unknown parent group {}", "у группы {1} неизвестная родительская группа {2}"),
        .init("exchange_unknown_group", "product {} names an unknown group {}", "у товара {1} неизвестная группа {2}"),
        .init(
            "exchange_article_taken", "the article {} of product {} belongs to another product",
            "артикул {1} товара {2} принадлежит другому товару"),
        .init(
            "exchange_unknown_product", "offer {} names no product of the catalog",
            "предложение {1} не относится ни к одному товару каталога"),
        .init("exchange_negative_price", "offer {} has a negative price", "у предложения {1} отрицательная цена"),
        .init(
            "exchange_order_no_counterparty", "order {} has no counterparty: its payment cannot be recorded",
            "у заказа {1} нет контрагента: оплату записать нельзя"),
        .init("exchange_order_unknown_product", "order {} of 1C names an unknown product {}", "в заказе 1С {1} неизвестный товар {2}"),
        .init(
            "exchange_no_order_stage", "no pipeline has an order stage ({}) for the orders of 1C",
            "ни в одной воронке нет этапа заказа ({1}) для заказов из 1С"),
        .init("exchange_signed_in", "signed in as {}", "вход выполнен: {1}"),
    ]
}
