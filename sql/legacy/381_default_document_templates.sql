-- 381 The default document templates, one per kind, in Russian (administrators edit them over
-- the API; each save is a new version). The счёт на оплату follows the usual Russian layout: the
-- bank details block, «Счёт на оплату № … от …», the table, «Итого», «В том числе НДС», «Всего
-- наименований … на сумму …», the amount in words and the signatures. Fields: Sources/Documents
-- (TemplateFieldCatalog); syntax: {{ field }}, {{ field | filter }}, {{#each lines}}, {{#if field}}.

insert into crm.document_templates (kind, name, body) values
('invoice', 'Счёт на оплату', $tpl$<!DOCTYPE html>
<html lang="ru">
<head>
<meta charset="utf-8">
<title>Счёт на оплату № {{ document.number }} от {{ document.date }}</title>
<style>
  @page { size: A4; margin: 12mm 10mm 14mm 20mm; }
  body { font-family: "Liberation Sans", Arial, "DejaVu Sans", sans-serif; font-size: 9.5pt; color: #000; margin: 0; }
  h1 { font-size: 14pt; margin: 14px 0 6px; padding-bottom: 4px; border-bottom: 2px solid #000; }
  h2 { font-size: 10.5pt; margin: 14px 0 4px; }
  p { margin: 4px 0; line-height: 1.35; }
  .logo { max-height: 18mm; max-width: 60mm; }
  .head { display: flex; justify-content: space-between; align-items: flex-start; margin-bottom: 6px; }
  .muted { color: #333; font-size: 8.5pt; }
  table { border-collapse: collapse; width: 100%; }
  thead { display: table-header-group; }
  tr, .keep { break-inside: avoid; page-break-inside: avoid; }
  table.lines { margin-top: 8px; }
  table.lines th, table.lines td { border: 1px solid #000; padding: 2px 4px; vertical-align: top; }
  table.lines th { background: #eee; text-align: center; font-weight: bold; }
  .num { text-align: right; white-space: nowrap; }
  .center { text-align: center; }
  table.totals { width: auto; margin-left: auto; margin-top: 4px; }
  table.totals td { padding: 1px 4px; font-weight: bold; text-align: right; white-space: nowrap; }
  table.parties td { padding: 2px 0; vertical-align: top; }
  table.parties td.label { width: 30mm; }
  .signatures { margin-top: 18px; display: flex; gap: 12mm; break-inside: avoid; page-break-inside: avoid; }
  .signatures div { flex: 1; white-space: nowrap; }
  .sign { display: inline-block; border-bottom: 1px solid #000; width: 32mm; margin: 0 4px; }
  .stamp { font-size: 8pt; color: #333; margin-left: 40mm; }
  table.bank { margin-top: 4px; }
  table.bank td { border: 1px solid #000; padding: 2px 4px; vertical-align: top; }
  table.bank td.caption { border-top: none; font-size: 8pt; }
  table.bank td.first { border-bottom: none; }
  .words { font-weight: bold; margin-top: 2px; }
  hr { border: none; border-top: 2px solid #000; margin: 8px 0; }
</style>
</head>
<body>
<div class="head">
  <div>{{ company.logo }}</div>
  <div class="muted">{{ company.legal_name }}<br>{{ company.address }}{{#if company.phone}}<br>Тел.: {{ company.phone }}{{/if}}</div>
</div>
<p class="muted">Внимание! Оплата данного счёта означает согласие с условиями поставки товара. Товар отпускается по факту
прихода денег на расчётный счёт Поставщика при наличии доверенности и паспорта.</p>

<table class="bank keep">
  <tr>
    <td colspan="2" rowspan="2" class="first" style="width: 58%">{{ company.bank_name }}</td>
    <td style="width: 8%">БИК</td>
    <td style="width: 34%; border-bottom: none">{{ company.bik }}</td>
  </tr>
  <tr>
    <td rowspan="2">Сч. №</td>
    <td rowspan="2" style="border-top: none">{{ company.correspondent_account }}</td>
  </tr>
  <tr>
    <td colspan="2" class="caption">Банк получателя</td>
  </tr>
  <tr>
    <td style="width: 29%">ИНН {{ company.inn }}</td>
    <td style="width: 29%">КПП {{ company.kpp }}</td>
    <td rowspan="3">Сч. №</td>
    <td rowspan="3">{{ company.account }}</td>
  </tr>
  <tr>
    <td colspan="2" class="first">{{ company.legal_name }}</td>
  </tr>
  <tr>
    <td colspan="2" class="caption">Получатель</td>
  </tr>
</table>

<h1>Счёт на оплату № {{ document.number }} от {{ document.date }}</h1>

<table class="parties">
  <tr>
    <td class="label">Поставщик<br>(Исполнитель):</td>
    <td><b>{{ company.legal_name }}, ИНН {{ company.inn }}{{#if company.kpp}}, КПП {{ company.kpp }}{{/if}}{{#if company.address}}, {{ company.address }}{{/if}}{{#if company.phone}}, тел.: {{ company.phone }}{{/if}}</b></td>
  </tr>
  <tr>
    <td class="label">Покупатель<br>(Заказчик):</td>
    <td><b>{{#if counterparty.legal_name}}{{ counterparty.legal_name }}, ИНН {{ counterparty.inn }}{{#if counterparty.kpp}}, КПП {{ counterparty.kpp }}{{/if}}{{#if counterparty.address}}, {{ counterparty.address }}{{/if}}{{else}}{{ client.name }}{{/if}}</b></td>
  </tr>
  <tr>
    <td class="label">Основание:</td>
    <td><b>{{ deal.title }}</b></td>
  </tr>
</table>

<table class="lines">
  <thead>
    <tr><th style="width: 7mm">№</th><th>Товары (работы, услуги)</th><th style="width: 18mm">Кол-во</th><th style="width: 12mm">Ед.</th><th style="width: 26mm">Цена</th><th style="width: 28mm">Сумма</th></tr>
  </thead>
  <tbody>
{{#each lines}}    <tr><td class="center">{{ line.number }}</td><td>{{ line.name }}</td><td class="num">{{ line.quantity }}</td><td class="center">{{ line.unit }}</td><td class="num">{{ line.price }}</td><td class="num">{{ line.amount }}</td></tr>
{{/each}}  </tbody>
</table>

<div class="keep">
<table class="totals">
  <tr><td>Итого:</td><td>{{ document.total }}</td></tr>
  <tr><td>{{ document.vat_label }}:</td><td>{{#if document.has_vat}}{{ document.vat_amount }}{{else}}—{{/if}}</td></tr>
  <tr><td>Всего к оплате:</td><td>{{ document.total }}</td></tr>
</table>

<p>Всего наименований {{ document.line_count }}, на сумму {{ document.total | sign }}</p>
<p class="words">{{ document.total | words }}</p>
<hr>
</div>

<div class="signatures">
  <div><b>Руководитель</b> <span class="sign"></span> {{ company.director_name }}</div>
  <div><b>Бухгалтер</b> <span class="sign"></span> {{ company.accountant_name }}</div>
</div>
</body>
</html>
$tpl$),
('proposal', 'Коммерческое предложение', $tpl$<!DOCTYPE html>
<html lang="ru">
<head>
<meta charset="utf-8">
<title>Коммерческое предложение № {{ document.number }}</title>
<style>
  @page { size: A4; margin: 12mm 10mm 14mm 20mm; }
  body { font-family: "Liberation Sans", Arial, "DejaVu Sans", sans-serif; font-size: 9.5pt; color: #000; margin: 0; }
  h1 { font-size: 14pt; margin: 14px 0 6px; padding-bottom: 4px; border-bottom: 2px solid #000; }
  h2 { font-size: 10.5pt; margin: 14px 0 4px; }
  p { margin: 4px 0; line-height: 1.35; }
  .logo { max-height: 18mm; max-width: 60mm; }
  .head { display: flex; justify-content: space-between; align-items: flex-start; margin-bottom: 6px; }
  .muted { color: #333; font-size: 8.5pt; }
  table { border-collapse: collapse; width: 100%; }
  thead { display: table-header-group; }
  tr, .keep { break-inside: avoid; page-break-inside: avoid; }
  table.lines { margin-top: 8px; }
  table.lines th, table.lines td { border: 1px solid #000; padding: 2px 4px; vertical-align: top; }
  table.lines th { background: #eee; text-align: center; font-weight: bold; }
  .num { text-align: right; white-space: nowrap; }
  .center { text-align: center; }
  table.totals { width: auto; margin-left: auto; margin-top: 4px; }
  table.totals td { padding: 1px 4px; font-weight: bold; text-align: right; white-space: nowrap; }
  table.parties td { padding: 2px 0; vertical-align: top; }
  table.parties td.label { width: 30mm; }
  .signatures { margin-top: 18px; display: flex; gap: 12mm; break-inside: avoid; page-break-inside: avoid; }
  .signatures div { flex: 1; white-space: nowrap; }
  .sign { display: inline-block; border-bottom: 1px solid #000; width: 32mm; margin: 0 4px; }
  .stamp { font-size: 8pt; color: #333; margin-left: 40mm; }
</style>
</head>
<body>
<div class="head">
  <div>{{ company.logo }}</div>
  <div class="muted">{{ company.legal_name }}<br>ИНН {{ company.inn }}{{#if company.kpp}}, КПП {{ company.kpp }}{{/if}}<br>{{ company.address }}{{#if company.phone}}<br>Тел.: {{ company.phone }}{{/if}}{{#if company.email}}<br>{{ company.email }}{{/if}}</div>
</div>

<p>Исх. № КП-{{ document.number }} от {{ document.date }}</p>
<p style="margin-left: 95mm">{{#if counterparty.legal_name}}{{ counterparty.legal_name }}{{else}}{{ client.name }}{{/if}}{{#if contact.name}}<br>{{ contact.position }} {{ contact.name }}{{/if}}</p>

<h1>Коммерческое предложение № {{ document.number }}</h1>
<p>{{#if contact.name}}Уважаемый(ая) {{ contact.name }}!{{else}}Добрый день!{{/if}}</p>
<p>Благодарим за интерес к нашей компании. По вашему запросу «{{ deal.title }}» предлагаем следующие товары и услуги:</p>

<table class="lines">
  <thead>
    <tr><th style="width: 7mm">№</th><th>Наименование</th><th style="width: 18mm">Кол-во</th><th style="width: 12mm">Ед.</th><th style="width: 26mm">Цена</th><th style="width: 28mm">Сумма</th></tr>
  </thead>
  <tbody>
{{#each lines}}    <tr><td class="center">{{ line.number }}</td><td>{{ line.name }}{{#if line.article}} <span class="muted">(арт. {{ line.article }})</span>{{/if}}</td><td class="num">{{ line.quantity }}</td><td class="center">{{ line.unit }}</td><td class="num">{{ line.price }}</td><td class="num">{{ line.amount }}</td></tr>
{{/each}}  </tbody>
</table>

<div class="keep">
<table class="totals">
  <tr><td>Итого:</td><td>{{ document.total | sign }}</td></tr>
  <tr><td>{{ document.vat_label }}:</td><td>{{#if document.has_vat}}{{ document.vat_amount | sign }}{{else}}—{{/if}}</td></tr>
</table>
<p>Сумма предложения: {{ document.total | words }}.</p>
</div>

<h2>Условия</h2>
<p>Цены указаны с учётом НДС{{#if document.has_vat}} ({{ document.vat_rate }}){{else}} (НДС не облагается){{/if}}. Предложение действительно 10 рабочих дней с даты
составления.{{#if deal.expected_close_date}} Ориентировочный срок поставки — до {{ deal.expected_close_date }}.{{/if}}
Будем рады ответить на ваши вопросы и подготовить договор.</p>

<div class="signatures">
  <div>С уважением,<br>{{ responsible.name }}{{#if responsible.phone}}<br>Тел.: {{ responsible.phone }}{{/if}}{{#if responsible.email}}<br>{{ responsible.email }}{{/if}}</div>
  <div>{{ company.director_title }}<br><span class="sign"></span> {{ company.director_name }}</div>
</div>
</body>
</html>
$tpl$),
('contract', 'Договор поставки', $tpl$<!DOCTYPE html>
<html lang="ru">
<head>
<meta charset="utf-8">
<title>Договор поставки № {{ document.number }}</title>
<style>
  @page { size: A4; margin: 12mm 10mm 14mm 20mm; }
  body { font-family: "Liberation Sans", Arial, "DejaVu Sans", sans-serif; font-size: 9.5pt; color: #000; margin: 0; }
  h1 { font-size: 14pt; margin: 14px 0 6px; padding-bottom: 4px; border-bottom: 2px solid #000; }
  h2 { font-size: 10.5pt; margin: 14px 0 4px; }
  p { margin: 4px 0; line-height: 1.35; }
  .logo { max-height: 18mm; max-width: 60mm; }
  .head { display: flex; justify-content: space-between; align-items: flex-start; margin-bottom: 6px; }
  .muted { color: #333; font-size: 8.5pt; }
  table { border-collapse: collapse; width: 100%; }
  thead { display: table-header-group; }
  tr, .keep { break-inside: avoid; page-break-inside: avoid; }
  table.lines { margin-top: 8px; }
  table.lines th, table.lines td { border: 1px solid #000; padding: 2px 4px; vertical-align: top; }
  table.lines th { background: #eee; text-align: center; font-weight: bold; }
  .num { text-align: right; white-space: nowrap; }
  .center { text-align: center; }
  table.totals { width: auto; margin-left: auto; margin-top: 4px; }
  table.totals td { padding: 1px 4px; font-weight: bold; text-align: right; white-space: nowrap; }
  table.parties td { padding: 2px 0; vertical-align: top; }
  table.parties td.label { width: 30mm; }
  .signatures { margin-top: 18px; display: flex; gap: 12mm; break-inside: avoid; page-break-inside: avoid; }
  .signatures div { flex: 1; white-space: nowrap; }
  .sign { display: inline-block; border-bottom: 1px solid #000; width: 32mm; margin: 0 4px; }
  .stamp { font-size: 8pt; color: #333; margin-left: 40mm; }
  p.clause { text-align: justify; }
  h1 { text-align: center; border: none; }
</style>
</head>
<body>
<h1>Договор поставки № {{ document.number }}</h1>
<p style="text-align: right">{{ document.date }}</p>

<p class="clause">{{ company.legal_name }}, именуемое в дальнейшем «Поставщик», от имени которого действует
{{ company.director_title }} {{ company.director_name }}, с одной стороны, и
{{#if counterparty.legal_name}}{{ counterparty.legal_name }}{{else}}{{ client.name }}{{/if}}, именуемое в дальнейшем «Покупатель»,
с другой стороны, вместе именуемые «Стороны», заключили настоящий договор о нижеследующем.</p>

<h2>1. Предмет договора</h2>
<p class="clause">1.1. Поставщик обязуется передать в собственность Покупателя, а Покупатель — принять и оплатить товары
(работы, услуги) в ассортименте, количестве и по ценам, указанным ниже:</p>

<table class="lines">
  <thead>
    <tr><th style="width: 7mm">№</th><th>Наименование</th><th style="width: 12mm">Ед.</th><th style="width: 16mm">Кол-во</th><th style="width: 24mm">Цена</th><th style="width: 26mm">Сумма</th></tr>
  </thead>
  <tbody>
{{#each lines}}    <tr><td class="center">{{ line.number }}</td><td>{{ line.name }}</td><td class="center">{{ line.unit }}</td><td class="num">{{ line.quantity }}</td><td class="num">{{ line.price }}</td><td class="num">{{ line.amount }}</td></tr>
{{/each}}  </tbody>
</table>

<h2>2. Цена и порядок расчётов</h2>
<p class="clause">2.1. Цена договора составляет {{ document.total | sign }} ({{ document.total | words }}){{#if document.has_vat}},
в том числе НДС ({{ document.vat_rate }}) {{ document.vat_amount | sign }}{{else}}, НДС не облагается{{/if}}.</p>
<p class="clause">2.2. Покупатель оплачивает товар в течение 5 (пяти) банковских дней с даты выставления счёта
путём перечисления денежных средств на расчётный счёт Поставщика.</p>

<h2>3. Поставка</h2>
<p class="clause">3.1. Поставщик передаёт товар {{#if deal.expected_close_date}}не позднее {{ deal.expected_close_date }}{{else}}в течение 10 (десяти) рабочих дней после оплаты{{/if}}.
Право собственности переходит к Покупателю в момент подписания товарной накладной.</p>

<h2>4. Ответственность сторон</h2>
<p class="clause">4.1. За нарушение сроков оплаты или поставки виновная Сторона уплачивает пеню в размере 0,1% от
неоплаченной (непоставленной) суммы за каждый день просрочки, но не более 10% от цены договора.</p>

<h2>5. Прочие условия</h2>
<p class="clause">5.1. Споры разрешаются путём переговоров, а при недостижении согласия — в арбитражном суде по месту
нахождения истца. 5.2. Договор составлен в двух экземплярах, имеющих одинаковую юридическую силу, по одному для каждой Стороны.</p>

<h2>6. Реквизиты и подписи сторон</h2>
<table class="keep">
  <tr>
    <td style="width: 50%; vertical-align: top; padding-right: 6mm"><b>Поставщик</b><br>{{ company.legal_name }}<br>ИНН {{ company.inn }}{{#if company.kpp}}, КПП {{ company.kpp }}{{/if}}<br>{{ company.address }}<br>Р/с {{ company.account }}<br>{{ company.bank_name }}<br>БИК {{ company.bik }}, к/с {{ company.correspondent_account }}<br><br>{{ company.director_title }}<br><span class="sign"></span> {{ company.director_name }}<br><span class="muted">М. П.</span></td>
    <td style="width: 50%; vertical-align: top"><b>Покупатель</b><br>{{#if counterparty.legal_name}}{{ counterparty.legal_name }}<br>ИНН {{ counterparty.inn }}{{#if counterparty.kpp}}, КПП {{ counterparty.kpp }}{{/if}}<br>{{ counterparty.address }}{{#if counterparty.account}}<br>Р/с {{ counterparty.account }}<br>{{ counterparty.bank_name }}<br>БИК {{ counterparty.bik }}, к/с {{ counterparty.correspondent_account }}{{/if}}{{else}}{{ client.name }}{{/if}}<br><br>{{#if contact.name}}{{ contact.position }}{{else}}Руководитель{{/if}}<br><span class="sign"></span> {{ contact.name }}<br><span class="muted">М. П.</span></td>
  </tr>
</table>
</body>
</html>
$tpl$),
('specification', 'Спецификация к договору', $tpl$<!DOCTYPE html>
<html lang="ru">
<head>
<meta charset="utf-8">
<title>Спецификация № {{ document.number }}</title>
<style>
  @page { size: A4; margin: 12mm 10mm 14mm 20mm; }
  body { font-family: "Liberation Sans", Arial, "DejaVu Sans", sans-serif; font-size: 9.5pt; color: #000; margin: 0; }
  h1 { font-size: 14pt; margin: 14px 0 6px; padding-bottom: 4px; border-bottom: 2px solid #000; }
  h2 { font-size: 10.5pt; margin: 14px 0 4px; }
  p { margin: 4px 0; line-height: 1.35; }
  .logo { max-height: 18mm; max-width: 60mm; }
  .head { display: flex; justify-content: space-between; align-items: flex-start; margin-bottom: 6px; }
  .muted { color: #333; font-size: 8.5pt; }
  table { border-collapse: collapse; width: 100%; }
  thead { display: table-header-group; }
  tr, .keep { break-inside: avoid; page-break-inside: avoid; }
  table.lines { margin-top: 8px; }
  table.lines th, table.lines td { border: 1px solid #000; padding: 2px 4px; vertical-align: top; }
  table.lines th { background: #eee; text-align: center; font-weight: bold; }
  .num { text-align: right; white-space: nowrap; }
  .center { text-align: center; }
  table.totals { width: auto; margin-left: auto; margin-top: 4px; }
  table.totals td { padding: 1px 4px; font-weight: bold; text-align: right; white-space: nowrap; }
  table.parties td { padding: 2px 0; vertical-align: top; }
  table.parties td.label { width: 30mm; }
  .signatures { margin-top: 18px; display: flex; gap: 12mm; break-inside: avoid; page-break-inside: avoid; }
  .signatures div { flex: 1; white-space: nowrap; }
  .sign { display: inline-block; border-bottom: 1px solid #000; width: 32mm; margin: 0 4px; }
  .stamp { font-size: 8pt; color: #333; margin-left: 40mm; }
</style>
</head>
<body>
<h1 class="center" style="border: none">Спецификация № {{ document.number }}</h1>
<p class="center">к договору поставки от {{ document.date }}</p>
<p style="text-align: right">{{ document.date }}</p>
<p>{{ company.legal_name }} («Поставщик») и {{#if counterparty.legal_name}}{{ counterparty.legal_name }}{{else}}{{ client.name }}{{/if}}
(«Покупатель») согласовали поставку следующих товаров (работ, услуг) по сделке «{{ deal.title }}»:</p>

<table class="lines">
  <thead>
    <tr><th style="width: 7mm">№</th><th>Наименование</th><th style="width: 20mm">Артикул</th><th style="width: 12mm">Ед.</th><th style="width: 16mm">Кол-во</th><th style="width: 24mm">Цена</th><th style="width: 26mm">Сумма</th><th style="width: 22mm">В т. ч. НДС ({{ document.vat_rate }})</th></tr>
  </thead>
  <tbody>
{{#each lines}}    <tr><td class="center">{{ line.number }}</td><td>{{ line.name }}</td><td>{{ line.article }}</td><td class="center">{{ line.unit }}</td><td class="num">{{ line.quantity }}</td><td class="num">{{ line.price }}</td><td class="num">{{ line.amount }}</td><td class="num">{{#if document.has_vat}}{{ line.vat_amount }}{{else}}—{{/if}}</td></tr>
{{/each}}  </tbody>
</table>

<div class="keep">
<table class="totals">
  <tr><td>Итого:</td><td>{{ document.total }}</td></tr>
  <tr><td>{{ document.vat_label }}:</td><td>{{#if document.has_vat}}{{ document.vat_amount }}{{else}}—{{/if}}</td></tr>
</table>
<p>Общая стоимость: {{ document.total | sign }} ({{ document.total | words }}){{#if document.has_vat}}, в том числе НДС {{ document.vat_amount | sign }}{{else}}, НДС не облагается{{/if}}.</p>
{{#if deal.expected_close_date}}<p>Срок поставки: до {{ deal.expected_close_date }}.</p>{{/if}}
</div>

<table class="keep" style="margin-top: 18px">
  <tr>
    <td style="width: 50%; vertical-align: top"><b>Поставщик</b><br>{{ company.legal_name }}<br><br>{{ company.director_title }}<br><span class="sign"></span> {{ company.director_name }}<br><span class="muted">М. П.</span></td>
    <td style="width: 50%; vertical-align: top"><b>Покупатель</b><br>{{#if counterparty.legal_name}}{{ counterparty.legal_name }}{{else}}{{ client.name }}{{/if}}<br><br>{{#if contact.name}}{{ contact.position }}{{else}}Руководитель{{/if}}<br><span class="sign"></span> {{ contact.name }}<br><span class="muted">М. П.</span></td>
  </tr>
</table>
</body>
</html>
$tpl$),
('letter', 'Письмо клиенту', $tpl$<!DOCTYPE html>
<html lang="ru">
<head>
<meta charset="utf-8">
<title>Письмо № {{ document.number }}</title>
<style>
  @page { size: A4; margin: 12mm 10mm 14mm 20mm; }
  body { font-family: "Liberation Sans", Arial, "DejaVu Sans", sans-serif; font-size: 9.5pt; color: #000; margin: 0; }
  h1 { font-size: 14pt; margin: 14px 0 6px; padding-bottom: 4px; border-bottom: 2px solid #000; }
  h2 { font-size: 10.5pt; margin: 14px 0 4px; }
  p { margin: 4px 0; line-height: 1.35; }
  .logo { max-height: 18mm; max-width: 60mm; }
  .head { display: flex; justify-content: space-between; align-items: flex-start; margin-bottom: 6px; }
  .muted { color: #333; font-size: 8.5pt; }
  table { border-collapse: collapse; width: 100%; }
  thead { display: table-header-group; }
  tr, .keep { break-inside: avoid; page-break-inside: avoid; }
  table.lines { margin-top: 8px; }
  table.lines th, table.lines td { border: 1px solid #000; padding: 2px 4px; vertical-align: top; }
  table.lines th { background: #eee; text-align: center; font-weight: bold; }
  .num { text-align: right; white-space: nowrap; }
  .center { text-align: center; }
  table.totals { width: auto; margin-left: auto; margin-top: 4px; }
  table.totals td { padding: 1px 4px; font-weight: bold; text-align: right; white-space: nowrap; }
  table.parties td { padding: 2px 0; vertical-align: top; }
  table.parties td.label { width: 30mm; }
  .signatures { margin-top: 18px; display: flex; gap: 12mm; break-inside: avoid; page-break-inside: avoid; }
  .signatures div { flex: 1; white-space: nowrap; }
  .sign { display: inline-block; border-bottom: 1px solid #000; width: 32mm; margin: 0 4px; }
  .stamp { font-size: 8pt; color: #333; margin-left: 40mm; }
  p.body { text-indent: 10mm; text-align: justify; }
</style>
</head>
<body>
<div class="head">
  <div>{{ company.logo }}</div>
  <div class="muted">{{ company.legal_name }}<br>ИНН {{ company.inn }}{{#if company.kpp}}, КПП {{ company.kpp }}{{/if}}<br>{{ company.address }}{{#if company.phone}}<br>Тел.: {{ company.phone }}{{/if}}{{#if company.email}}<br>{{ company.email }}{{/if}}</div>
</div>
<hr>
<table style="margin-top: 8px">
  <tr>
    <td style="width: 50%; vertical-align: top">Исх. № {{ document.number }} от {{ document.date | short }}</td>
    <td style="width: 50%; vertical-align: top">{{#if counterparty.legal_name}}{{ counterparty.legal_name }}{{else}}{{ client.name }}{{/if}}{{#if counterparty.address}}<br>{{ counterparty.address }}{{/if}}{{#if contact.name}}<br>{{ contact.position }} {{ contact.name }}{{/if}}</td>
  </tr>
</table>

<p style="margin-top: 14px"><b>О сделке «{{ deal.title }}»</b></p>
<p class="center" style="margin: 12px 0">{{#if contact.name}}Уважаемый(ая) {{ contact.name }}!{{else}}Уважаемые коллеги!{{/if}}</p>
<p class="body">Сообщаем, что по сделке «{{ deal.title }}» сумма составляет {{ document.total | sign }}
({{ document.total | words }}){{#if document.has_vat}}, в том числе НДС {{ document.vat_amount | sign }}{{/if}}.</p>
<p class="body">По всем вопросам просим обращаться к ответственному сотруднику: {{ responsible.name }}{{#if responsible.phone}}, тел. {{ responsible.phone }}{{/if}}{{#if responsible.email}}, {{ responsible.email }}{{/if}}.</p>

<div class="signatures">
  <div>{{ company.director_title }}</div>
  <div><span class="sign"></span> {{ company.director_name }}</div>
</div>
</body>
</html>
$tpl$);
