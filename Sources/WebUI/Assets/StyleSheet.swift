/// The stylesheet (served as `/assets/app.css`): our own CSS, phone first.
enum StyleSheet {
    static let text = #"""
        /* The staff web interface: one stylesheet, no framework. Phone first, wider screens get more columns. */
        :root {
          --bg: #f4f6fa; --card: #fff; --text: #1d2433; --muted: #667085; --line: #e3e7ee;
          --accent: #2f6fde; --accent-dark: #1f56b8; --ok: #1a8f4c; --danger: #d23c3c; --warn: #c77700;
          --won: #1a8f4c; --lost: #8a94a6; --radius: 10px; --shadow: 0 1px 2px rgba(16,24,40,.06), 0 1px 3px rgba(16,24,40,.08);
        }
        * { box-sizing: border-box; }
        html { -webkit-text-size-adjust: 100%; }
        body { margin: 0; font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "Liberation Sans", Arial, sans-serif;
          color: var(--text); background: var(--bg); }
        a { color: var(--accent); text-decoration: none; }
        a:hover { text-decoration: underline; }
        h1 { font-size: 1.45rem; margin: .2rem 0 1rem; }
        h2 { font-size: 1.05rem; margin: 0 0 .7rem; }
        main { padding: 1rem; max-width: 1600px; margin: 0 auto; }
        main.narrow { max-width: 420px; padding-top: 8vh; }
        .muted { color: var(--muted); }
        .hidden { display: none !important; }
        .num { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
        .center { text-align: center; margin-top: 1rem; }
        .crumbs { margin: 0; font-size: .9rem; }
        code { font-size: .85em; background: #eef1f6; padding: 0 .25em; border-radius: 4px; }
        blockquote { margin: .3rem 0; padding: .3rem .6rem; border-left: 3px solid var(--line); color: var(--muted); }

        /* header */
        .top { display: flex; align-items: center; gap: 1rem; flex-wrap: wrap; background: #18213a; color: #fff; padding: .55rem 1rem; position: sticky; top: 0; z-index: 20; }
        .top a { color: #d9e2f5; }
        .brand { font-weight: 700; color: #fff !important; font-size: 1.1rem; }
        .menu { display: flex; gap: .2rem; flex-wrap: wrap; }
        .menu a { padding: .35rem .7rem; border-radius: 6px; }
        .menu a.active, .menu a:hover { background: rgba(255,255,255,.12); color: #fff; text-decoration: none; }
        .tools { margin-left: auto; display: flex; align-items: center; gap: .8rem; }
        .tools .user.active { text-decoration: underline; }
        .top .link { color: #d9e2f5; }
        .menu-toggle, .menu-button { display: none; }
        .inline { display: inline; margin: 0; }
        .bell-wrap { position: relative; }
        .bell { background: none; border: 0; font-size: 1.15rem; cursor: pointer; position: relative; padding: .2rem .4rem; color: #fff; }
        .badge { position: absolute; top: -4px; right: -6px; background: var(--danger); color: #fff; border-radius: 999px; font-size: .7rem; min-width: 1.2rem; padding: 0 .3rem; line-height: 1.2rem; text-align: center; font-weight: 700; }
        .bell-list { position: absolute; right: 0; top: 2.2rem; width: min(360px, 90vw); max-height: 70vh; overflow: auto; background: var(--card); color: var(--text);
          border-radius: var(--radius); box-shadow: 0 8px 24px rgba(0,0,0,.18); padding: .5rem; z-index: 30; }
        .bell-list .notification { display: block; padding: .45rem .5rem; border-radius: 6px; color: var(--text); }
        .bell-list .notification.unread { background: #eef4ff; font-weight: 600; }
        .bell-list .link { color: var(--accent); float: right; }

        /* controls */
        button, .button { font: inherit; border: 1px solid var(--line); background: #fff; color: var(--text); border-radius: 8px; padding: .45rem .9rem; cursor: pointer; display: inline-block; }
        button:hover, .button:hover { border-color: #c5ccd8; }
        button.primary, .button.primary { background: var(--accent); border-color: var(--accent); color: #fff; }
        button.primary:hover, .button.primary:hover { background: var(--accent-dark); }
        button.danger { background: var(--danger); border-color: var(--danger); color: #fff; }
        button.small { padding: .25rem .6rem; font-size: .85rem; }
        button.link { background: none; border: 0; color: var(--accent); padding: 0; }
        button:disabled { opacity: .6; cursor: default; }
        input, select, textarea { font: inherit; border: 1px solid #cfd5df; border-radius: 8px; padding: .45rem .6rem; background: #fff; color: var(--text); width: 100%; }
        textarea { min-height: 4.5rem; resize: vertical; }
        input[type="checkbox"] { width: auto; }
        label { display: block; font-size: .9rem; color: var(--muted); }
        label > input, label > select, label > textarea { margin-top: .2rem; color: var(--text); }
        label.check { display: flex; align-items: center; gap: .4rem; color: var(--text); }
        .form { display: grid; gap: .7rem; }
        .form .row { display: grid; grid-template-columns: minmax(0, 1fr) minmax(0, 1fr); gap: .7rem; }
        select { max-width: 100%; }
        fieldset { min-width: 0; }
        .actions { display: flex; gap: .6rem; align-items: center; flex-wrap: wrap; }
        .req { color: var(--danger); }

        /* cards, grids, lists */
        .card { background: var(--card); border-radius: var(--radius); box-shadow: var(--shadow); padding: 1rem; }
        .grid { display: grid; gap: 1rem; margin-bottom: 1rem; }
        .grid.two { grid-template-columns: repeat(auto-fit, minmax(min(340px, 100%), 1fr)); }
        .grid > *, .admin-grid > *, .stack > * { min-width: 0; }
        .items { list-style: none; margin: 0; padding: 0; }
        .items > li { padding: .55rem 0; border-top: 1px solid var(--line); }
        .items > li:first-child { border-top: 0; }
        .pill { display: inline-block; font-size: .75rem; padding: .05rem .5rem; border-radius: 999px; background: #eef1f6; color: var(--muted); vertical-align: middle; }
        .pill.done { background: #e3f5ea; color: var(--ok); }
        .pill.failed { background: #fdecec; color: #9b1c1c; }
        .alert { background: #fdecec; color: #9b1c1c; border-radius: 8px; padding: .6rem .8rem; }
        .notice { background: #e3f5ea; color: #14663a; border-radius: 8px; padding: .6rem .8rem; }
        .fields { display: grid; grid-template-columns: max-content 1fr; gap: .35rem 1rem; margin: 0; }
        .fields dt { color: var(--muted); }
        .fields dd { margin: 0; }
        .table-wrap { overflow-x: auto; }
        table.list { width: 100%; border-collapse: collapse; }
        table.list th, table.list td { padding: .5rem .6rem; border-bottom: 1px solid var(--line); text-align: left; vertical-align: top; }
        table.list th { font-size: .85rem; color: var(--muted); font-weight: 600; }
        table.list th.num, table.list td.num { text-align: right; }
        table.list tfoot th { color: var(--text); }
        .empty { padding: 1rem; text-align: center; }
        .stats { display: grid; grid-template-columns: repeat(auto-fit, minmax(150px, 1fr)); gap: .8rem; margin-bottom: 1rem; }
        .stats > div { background: var(--card); border-radius: var(--radius); box-shadow: var(--shadow); padding: .8rem 1rem; display: flex; flex-direction: column; }
        .stats .big { font-size: 1.25rem; font-weight: 700; }
        .stats span:last-child { color: var(--muted); font-size: .85rem; }
        .links { display: flex; gap: 1rem; flex-wrap: wrap; margin-top: .2rem; }
        a.tel { font-weight: 600; }
        li.former { opacity: .7; }
        li.overdue, .overdue { color: var(--danger); }

        /* toolbar and filters */
        .toolbar { display: flex; justify-content: space-between; align-items: center; gap: 1rem; flex-wrap: wrap; margin-bottom: .7rem; }
        .tabs, .views { display: flex; gap: .3rem; flex-wrap: wrap; }
        .tab { padding: .35rem .8rem; border-radius: 999px; background: #e6eaf1; color: var(--text); font-size: .92rem; }
        .tab.active { background: var(--accent); color: #fff; }
        .tab:hover { text-decoration: none; }
        .filters { margin-bottom: 1rem; padding: .6rem 1rem; }
        .filters summary { cursor: pointer; font-weight: 600; }
        .filter-form { display: grid; grid-template-columns: repeat(auto-fit, minmax(170px, 1fr)); gap: .7rem; margin-top: .8rem; align-items: end; }
        .filter-form .wide { grid-column: span 2; }
        .pager { display: flex; gap: 1rem; justify-content: center; align-items: center; margin: 1rem 0; }

        /* the board */
        .board { display: flex; gap: .8rem; overflow-x: auto; padding-bottom: 1rem; align-items: flex-start; min-height: 60vh; }
        .column { flex: 0 0 272px; background: #e9edf3; border-radius: var(--radius); padding: .5rem; max-height: calc(100vh - 210px); display: flex; flex-direction: column; border-top: 4px solid var(--accent); }
        .column.kind-won { border-top-color: var(--won); }
        .column.kind-lost { border-top-color: var(--lost); }
        .column.over { background: #dbe6fb; outline: 2px dashed var(--accent); }
        .column header { padding: .2rem .3rem .5rem; }
        .column h2 { font-size: .95rem; margin: 0; }
        .totals { font-size: .82rem; color: var(--muted); }
        .totals .count { font-weight: 700; color: var(--text); }
        .cards { overflow-y: auto; display: flex; flex-direction: column; gap: .5rem; min-height: 3rem; padding: 2px; }
        .deal-card { background: var(--card); border-radius: 8px; box-shadow: var(--shadow); padding: .6rem .7rem .6rem 1.5rem; position: relative; cursor: grab; user-select: none; touch-action: pan-y; }
        .deal-card .handle { position: absolute; left: .35rem; top: .55rem; color: #b0b8c6; cursor: grab; touch-action: none; font-size: 1rem; }
        .deal-card .title { display: block; font-weight: 600; color: var(--text); }
        .deal-card .client { display: block; font-size: .85rem; }
        .deal-card .amount { font-weight: 700; margin-top: .2rem; font-variant-numeric: tabular-nums; }
        .deal-card .responsible, .deal-card .next-task { font-size: .8rem; color: var(--muted); }
        .deal-card .next-task.overdue { color: var(--danger); font-weight: 600; }
        .deal-card.dragging { pointer-events: none; box-shadow: 0 12px 28px rgba(0,0,0,.25); z-index: 50; position: relative; opacity: .95; }
        .deal-card.pending { opacity: .55; }
        .column .more { display: block; text-align: center; padding: .45rem .3rem .1rem; font-size: .85rem; }

        /* the stage bar */
        .stage-bar { display: flex; gap: 4px; overflow-x: auto; margin-bottom: 1rem; padding-bottom: 4px; }
        .stage-bar .stage { flex: 1 0 auto; border-radius: 6px; border: 0; background: #e3e8ef; color: var(--text); padding: .5rem .8rem; font-size: .85rem; white-space: nowrap; }
        .stage-bar .stage.past { background: #bcd0f7; }
        .stage-bar .stage.current { background: var(--accent); color: #fff; font-weight: 700; opacity: 1; }
        .stage-bar .stage.kind-won.current { background: var(--won); }
        .stage-bar .stage.kind-lost.current { background: var(--lost); }
        .stage-bar .stage:not(:disabled):hover { outline: 2px solid var(--accent); }

        /* tasks, interactions, approvals */
        .task { display: flex; justify-content: space-between; gap: .6rem; align-items: flex-start; }
        .task.closed { opacity: .6; }
        .task.overdue strong { color: var(--danger); }
        .task-group .count, #tasks-others .count { font-size: .8rem; background: #eef1f6; border-radius: 999px; padding: 0 .5rem; color: var(--muted); }
        .group-overdue h2 { color: var(--danger); }
        details.quick { margin-bottom: .8rem; }
        details.quick > summary { list-style: none; }
        details.quick > summary::-webkit-details-marker { display: none; }
        details.quick[open] > summary { margin-bottom: .8rem; }
        details.quick.card { padding: .8rem 1rem; margin-bottom: 1rem; }
        .approval .answer { margin-top: .5rem; }
        dialog { border: 0; max-width: 420px; width: 92vw; }
        dialog::backdrop { background: rgba(16,24,40,.35); }

        /* planner */
        .planner { display: grid; grid-template-columns: repeat(7, minmax(0, 1fr)); gap: 6px; }
        .weekday { font-weight: 600; color: var(--muted); font-size: .85rem; padding: 0 .3rem; }
        .day { background: var(--card); border-radius: 8px; min-height: 7.5rem; padding: .35rem; box-shadow: var(--shadow); display: flex; flex-direction: column; gap: 4px; }
        .day.weekend { background: #f8f9fb; }
        .day.today { outline: 2px solid var(--accent); }
        .day .date { font-size: .8rem; color: var(--muted); font-weight: 600; }
        .chip { font-size: .8rem; border-radius: 6px; padding: .2rem .35rem; background: #eef4ff; border-left: 3px solid var(--accent); overflow: hidden; text-overflow: ellipsis; }
        .chip[data-task-id] { cursor: grab; touch-action: none; }
        .chip.meeting { background: #fff4e5; border-left-color: var(--warn); }
        .chip.overdue { background: #fdecec; border-left-color: var(--danger); }
        .chip.done { opacity: .55; text-decoration: line-through; }
        .chip.dragging { position: relative; z-index: 50; pointer-events: none; box-shadow: 0 8px 18px rgba(0,0,0,.2); }
        .chip time { font-weight: 700; }

        /* reports */
        .report-list { list-style: none; padding: 0; display: grid; gap: 1rem; grid-template-columns: repeat(auto-fit, minmax(260px, 1fr)); }
        .params { display: flex; gap: 1rem; align-items: end; flex-wrap: wrap; margin-bottom: 1rem; }
        .params label { min-width: 220px; }
        svg.chart { width: 100%; height: auto; }
        svg.chart .label { font-size: 13px; fill: var(--text); }
        svg.chart .value { font-size: 12px; fill: var(--muted); }
        svg.chart rect { fill: var(--accent); }
        svg.chart .kind-won rect { fill: var(--won); }
        svg.chart .kind-lost rect { fill: var(--lost); }
        svg.chart .kind-ok rect { fill: var(--ok); }
        svg.chart .kind-warn rect { fill: var(--warn); }
        svg.chart .kind-danger rect { fill: var(--danger); }
        svg.chart .kind-loss rect { fill: #c9626b; }
        .charts h2, .chart-block h2 { font-size: 1rem; margin: .2rem 0 .6rem; }
        .charts { margin-bottom: 1rem; }
        .charts svg.chart { max-width: 900px; }
        svg.chart .axis { font-size: 14px; font-weight: 700; fill: var(--muted); }
        svg.matrix .cell rect { fill: #fde9c8; stroke: #fff; }
        svg.matrix .cell.tone-good rect { fill: #cdeed9; }
        svg.matrix .cell.tone-poor rect { fill: #f6d3d3; }
        svg.matrix .cell.empty rect { fill: #f0f2f6; }
        svg.matrix .code { font-size: 22px; font-weight: 700; fill: var(--text); }
        svg.bcg .quadrant rect { fill: #f4f6fa; stroke: var(--line); }
        svg.bcg .quadrant.q-star rect { fill: #e3f5ea; }
        svg.bcg .quadrant.q-cash_cow rect { fill: #e6eefc; }
        svg.bcg .quadrant.q-question_mark rect { fill: #fdf1dc; }
        svg.bcg .quadrant.q-dog rect { fill: #f3eeee; }
        svg.bcg circle { fill: var(--accent); stroke: #fff; stroke-width: 1.5; }
        svg.bcg .q-star circle { fill: var(--ok); }
        svg.bcg .q-question_mark circle { fill: var(--warn); }
        svg.bcg .q-dog circle { fill: var(--lost); }
        svg.chart.matrix { max-width: 470px; }
        table.report th, table.report td { padding: .45rem .5rem; font-size: .92rem; }
        table.report th.num { white-space: normal; }
        table.report td:not(.num) { min-width: 14ch; }
        svg.matrix .label { font-size: 15px; }
        svg.matrix .value { font-size: 14px; fill: var(--text); }
        svg.chart.bcg { max-width: 640px; }
        svg.bcg line.band { stroke: var(--muted); stroke-dasharray: 4 4; }
        svg.bcg .quadrant text.axis { font-size: 13px; }
        svg.bcg .point text { font-size: 11px; }

        /* toasts */
        .toasts { position: fixed; right: 1rem; bottom: 1rem; display: flex; flex-direction: column; gap: .5rem; z-index: 100; max-width: min(420px, calc(100vw - 2rem)); }
        .toast { display: flex; gap: .8rem; align-items: flex-start; background: #18213a; color: #fff; border-radius: 8px; padding: .7rem .9rem; box-shadow: 0 8px 24px rgba(0,0,0,.25); }
        .toast .toast-text { flex: 1; }
        .toast a { color: #9ec1ff; }
        .toast .link { color: #fff; font-size: 1.2rem; line-height: 1; }
        .toast.error { background: #9b1c1c; }
        .toast.ok { background: #14663a; }
        .toast.reminder { background: #fff4e5; color: #5c3b00; border: 2px solid var(--warn); font-weight: 600; }
        .toast.reminder .link { color: #5c3b00; }
        .toast.reminder a { color: var(--accent-dark); }

        /* sign in */
        body.signin { background: linear-gradient(160deg, #18213a, #2f4a86); min-height: 100vh; }
        body.signin .link { color: #fff; }
        .signin-form { display: grid; gap: .9rem; }
        .signin-form h1 { margin: 0; }
        .error-page { text-align: center; }

        /* phones */
        @media (max-width: 760px) {
          main { padding: .7rem; }
          .top { gap: .6rem; }
          .menu-button { display: inline-block; font-size: 1.4rem; cursor: pointer; order: 3; }
          .menu { display: none; width: 100%; order: 4; flex-direction: column; }
          .menu-toggle:checked ~ .menu { display: flex; }
          .tools { margin-left: auto; order: 2; gap: .6rem; }
          .tools .user { display: none; }
          .column { flex-basis: 84vw; max-height: none; }
          .grid.two { grid-template-columns: minmax(0, 1fr); }
          .form .row { grid-template-columns: minmax(0, 1fr); }
          .filter-form .wide { grid-column: auto; }
          .planner { grid-template-columns: 1fr; }
          .weekday { display: none; }
          .day { min-height: auto; }
          table.list th, table.list td { padding: .4rem; }
        }
        .icon { width: 1em; height: 1em; fill: currentColor; vertical-align: -0.125em; flex: none; }
        .bell .icon { width: 1.3rem; height: 1.3rem; }
        .deal-card .handle .icon { width: .95rem; height: .95rem; }
        button.small { white-space: nowrap; display: inline-flex; align-items: center; gap: .3rem; }
        .chip a { color: inherit; }
        .bell-list .notification time { display: block; font-size: .75rem; color: var(--muted); font-weight: 400; }
        .admin-tabs { margin-bottom: 1rem; }
        table.matrix select { min-width: 7.5rem; padding: .3rem .4rem; }
        table.matrix .scope-none { color: var(--muted); }
        table.matrix .scope-all { font-weight: 700; }
        .check-hint { display: block; font-size: .8rem; min-height: 1rem; }
        .check-hint.ok { color: var(--ok); }
        .check-hint.bad { color: var(--danger); }
        details#new-deal.card:not([open]) { background: none; box-shadow: none; padding: 0; margin-bottom: .7rem; }
        details#new-deal.card[open] { max-width: 760px; }
        .narrow-form { max-width: 560px; }
        .search-form { display: flex; gap: .6rem; margin-bottom: 1rem; align-items: center; }
        .search-form input { flex: 1; }
        fieldset.follow-up { border: 1px solid var(--line); border-radius: 8px; padding: .5rem .7rem .7rem; margin: 0; display: grid; gap: .6rem; }
        fieldset.follow-up legend { font-size: .9rem; color: var(--muted); padding: 0 .3rem; }
        fieldset.follow-up[data-kind=""] .follow-up-detail, fieldset.follow-up:not([data-kind="colleague"]) .follow-up-colleague { display: none; }
        .admin-grid { display: grid; gap: 1rem; grid-template-columns: minmax(0, 3fr) minmax(280px, 2fr); align-items: start; margin-bottom: 1rem; }
        .stack { display: grid; gap: 1rem; }
        .tree { list-style: none; margin: 0; padding: 0; }
        .tree .tree { padding-left: 1.4rem; border-left: 2px solid var(--line); margin-left: .45rem; }
        .tree li { padding: .2rem 0; }
        .tree .node { display: inline-flex; gap: .5rem; align-items: baseline; padding: .25rem .55rem; border-radius: 6px; background: #f3f5f9; }
        .tree .node-name { font-weight: 600; }
        button.link.danger { color: var(--danger); background: none; border: 0; }
        .warning { background: #fff4e5; color: #5c3b00; border-radius: 8px; padding: .6rem .8rem; font-size: .9rem; margin: 0; }
        .pill.purpose-admin { background: #fdecec; color: #9b1c1c; }
        .pill.purpose-login { background: #e6eefc; color: var(--accent-dark); }
        tr.current td { background: #f3f8ff; }
        #network-add, .admin-grid + .card, .card + .card { margin-top: 1rem; }
        @media (max-width: 760px) { .admin-grid { grid-template-columns: 1fr; } }
        """#
}
