/// The page's only style sheet, inlined: system fonts, no image, no remote anything; colours
/// pass WCAG AA against their backgrounds; prints on white, one section after another.
enum ReportStyle {
    static let css = """
        :root {
          --ink: #1f2328; --muted: #57606a; --line: #d0d7de; --paper: #ffffff; --ground: #f6f8fa;
          --good: #1a7f37; --good-bg: #dafbe1; --mid: #9a6700; --mid-bg: #fff8c5;
          --bad: #cf222e; --bad-bg: #ffebe9; --none: #57606a; --none-bg: #eaeef2;
          --answered: #0969da; --within: #bc4c00;
        }
        * { box-sizing: border-box; }
        html { -webkit-text-size-adjust: 100%; }
        body {
          margin: 0; background: var(--ground); color: var(--ink);
          font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
          font-variant-numeric: tabular-nums;
        }
        main { max-width: 1180px; margin: 0 auto; padding: 28px 32px 48px; }
        header.page { display: flex; flex-wrap: wrap; align-items: baseline; gap: 4px 18px; margin-bottom: 20px; }
        h1 { font-size: 26px; line-height: 1.2; margin: 0; font-weight: 650; letter-spacing: -0.01em; }
        h2 { font-size: 18px; margin: 0 0 4px; font-weight: 620; }
        h3 { font-size: 15px; margin: 0; font-weight: 620; }
        p { margin: 0; }
        .muted { color: var(--muted); }
        .lede { color: var(--muted); flex-basis: 100%; }
        section { background: var(--paper); border: 1px solid var(--line); border-radius: 10px;
          padding: 20px 22px; margin: 0 0 18px; }
        section > .note { color: var(--muted); margin-bottom: 14px; font-size: 14px; }
        .overall { display: grid; grid-template-columns: minmax(190px, 0.55fr) 2.45fr; gap: 18px 32px;
          align-items: center; }
        .figures { display: flex; flex-wrap: wrap; gap: 14px 34px; }
        .figure .value { font-size: 28px; font-weight: 650; line-height: 1.1; white-space: nowrap; }
        .figure .label { color: var(--muted); font-size: 13px; }
        .status { display: inline-flex; align-items: center; gap: 6px; padding: 2px 10px; border-radius: 999px;
          font-size: 13px; font-weight: 600; white-space: nowrap; border: 1px solid transparent; }
        .status.big { font-size: 16px; padding: 4px 14px; }
        .status.closing_the_loop { color: var(--good); background: var(--good-bg); border-color: #aceebb; }
        .status.partial { color: var(--mid); background: var(--mid-bg); border-color: #eed888; }
        .status.one_way { color: var(--bad); background: var(--bad-bg); border-color: #ffcecb; }
        .status.no_data { color: var(--none); background: var(--none-bg); border-color: var(--line); }
        .cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(250px, 1fr)); gap: 14px; }
        .card { border: 1px solid var(--line); border-left-width: 5px; border-radius: 8px; padding: 14px 16px;
          display: flex; flex-direction: column; gap: 8px; break-inside: avoid; }
        .card.closing_the_loop { border-left-color: var(--good); }
        .card.partial { border-left-color: #d4a72c; }
        .card.one_way { border-left-color: var(--bad); }
        .card.no_data { border-left-color: #8c959f; }
        .card .head { display: flex; flex-wrap: wrap; justify-content: space-between; align-items: center;
          gap: 4px 8px; }
        .card .name { font-weight: 620; overflow-wrap: break-word; min-width: 0; }
        .meter { display: grid; grid-template-columns: 1fr auto; gap: 3px 8px; align-items: center; font-size: 13px; }
        .meter .track { grid-row: 2; grid-column: 1 / -1; height: 8px; background: var(--none-bg);
          border-radius: 4px; overflow: hidden; }
        .meter .fill { height: 100%; border-radius: 4px; }
        .meter .fill.answered { background: var(--answered); }
        .meter .fill.within { background: var(--within); }
        .meter .pct { text-align: right; font-weight: 600; }
        .card .counts { color: var(--muted); font-size: 13px; }
        .stats { display: grid; grid-template-columns: repeat(3, auto); justify-content: start; gap: 0 22px;
          margin: 2px 0 0; }
        .stats div { display: flex; flex-direction: column; }
        .stats dt { color: var(--muted); font-size: 12px; order: 2; }
        .stats dd { margin: 0; font-weight: 620; font-size: 15px; }
        .breakdown { display: flex; height: 12px; border-radius: 6px; overflow: hidden; background: var(--none-bg); }
        .breakdown span { display: block; height: 100%; }
        .k-within { background: var(--good); } .k-late { background: #d4a72c; } .k-closed { background: #8c959f; }
        .k-overdue { background: var(--bad); } .k-open { background: #afb8c1; }
        .legend { display: flex; flex-wrap: wrap; gap: 4px 16px; font-size: 13px; color: var(--muted);
          margin-top: 8px; }
        .legend i { display: inline-block; width: 10px; height: 10px; border-radius: 2px; margin-right: 5px;
          vertical-align: -1px; }
        .legend i.line { height: 3px; width: 18px; vertical-align: 3px; }
        .legend i.dashed { background: repeating-linear-gradient(90deg, var(--within) 0 6px, transparent 6px 9px); }
        table { border-collapse: collapse; width: 100%; font-size: 13.5px; }
        th, td { text-align: left; padding: 6px 8px; border-bottom: 1px solid var(--line); vertical-align: top; }
        th { font-size: 11px; text-transform: uppercase; letter-spacing: 0.03em; color: var(--muted);
          font-weight: 600; }
        td.num, th.num { text-align: right; }
        td.num { white-space: nowrap; }
        td.id { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 13px;
          overflow-wrap: anywhere; }
        .scroll { overflow-x: auto; }
        .overdue { color: var(--bad); font-weight: 600; }
        td.when, table.policies td:first-child { white-space: nowrap; }
        .tag { display: inline-block; font-size: 11px; font-weight: 600; color: var(--bad); background: var(--bad-bg);
          border-radius: 4px; padding: 0 5px; margin-left: 4px; }
        figure { margin: 0 0 18px; }
        figure:last-child { margin-bottom: 0; }
        figcaption { font-size: 13px; color: var(--muted); margin-top: 6px; }
        svg { display: block; width: 100%; height: auto; overflow: visible; }
        svg text { font: 11px system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif; fill: var(--muted); }
        svg .axis { stroke: #8c959f; stroke-width: 1; }
        svg .grid { stroke: #e6eaef; stroke-width: 1; }
        svg .empty { fill: var(--muted); font-size: 13px; }
        details { margin-top: 10px; font-size: 14px; }
        summary { cursor: pointer; color: var(--muted); }
        .two { display: grid; grid-template-columns: 1fr 1fr; gap: 18px 28px; }
        footer { color: var(--muted); font-size: 13px; margin-top: 22px; }
        footer dl { display: grid; grid-template-columns: max-content 1fr; gap: 2px 14px; margin: 8px 0 0; }
        footer dt { font-weight: 600; color: var(--ink); }
        footer dd { margin: 0; }
        @media (max-width: 820px) {
          main { padding: 16px; } .overall, .two { grid-template-columns: 1fr; }
        }
        @media print {
          @page { size: A4; margin: 14mm 12mm; }
          body { background: #fff; font-size: 11pt; }
          main { max-width: none; padding: 0; }
          section { border: none; border-top: 1px solid #999; border-radius: 0; padding: 10pt 0 4pt;
            break-inside: avoid-page; }
          .cards { grid-template-columns: repeat(3, 1fr); }
          .card, figure, tr { break-inside: avoid; }
          details { display: none; }
          * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
        }
        """
}
