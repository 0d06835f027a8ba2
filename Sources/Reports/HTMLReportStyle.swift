extension HTMLReport {
    /// The page's style sheet. Colours: Okabe and Ito's palette with dash patterns for lines and
    /// viridis for heatmaps, both readable in greyscale and with colour blindness.
    static let style = #"""
:root { color-scheme: light; --ink: #1b1b1b; --muted: #5a5a5a; --line: #d0d0d0; --accent: #0072B2; }
* { box-sizing: border-box; }
body { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", "DejaVu Sans", sans-serif; color: var(--ink); margin: 0; background: #fafafa; }
header { padding: 18px 28px 8px; background: #fff; border-bottom: 1px solid var(--line); }
h1 { font-size: 22px; margin: 0; overflow-wrap: anywhere; }
h2 { font-size: 17px; margin: 0 0 10px; }
h3 { font-size: 15px; margin: 12px 0 4px; }
.sub, .note, .card-note { color: var(--muted); }
.note { font-size: 13px; margin: 4px 0 8px; }
main { padding: 14px 28px 40px; max-width: 1400px; }
section { background: #fff; border: 1px solid var(--line); border-radius: 6px; padding: 14px 18px; margin: 0 0 16px; overflow-x: auto; }
#summary { display: flex; flex-wrap: wrap; gap: 12px; background: none; border: none; padding: 0; }
.card { background: #fff; border: 1px solid var(--line); border-radius: 6px; padding: 10px 14px; min-width: 200px; flex: 1; }
.card-name { font-weight: 600; }
.card-value { font-size: 26px; font-variant-numeric: tabular-nums; }
.card-value .std { font-size: 16px; color: var(--muted); }
.card-note, .card-pooled { font-size: 12.5px; }
table { border-collapse: collapse; font-variant-numeric: tabular-nums; }
th, td { padding: 3px 10px; border-bottom: 1px solid #eee; text-align: right; white-space: nowrap; }
th[scope=row], #run th, #run td { text-align: left; }
#run td { white-space: normal; overflow-wrap: anywhere; }
thead th { position: sticky; top: 0; background: #f3f3f3; cursor: pointer; user-select: none; }
thead th[aria-sort=ascending]::after { content: " ▲"; }
thead th[aria-sort=descending]::after { content: " ▼"; }
.controls, .threshold { display: flex; align-items: center; gap: 14px; flex-wrap: wrap; }
#threshold { width: min(520px, 70vw); }
#threshold-value { font-weight: 600; font-variant-numeric: tabular-nums; min-width: 3em; }
#live-summary { display: flex; gap: 22px; flex-wrap: wrap; margin-top: 6px; }
.charts { display: flex; flex-wrap: wrap; gap: 18px; }
.charts svg { width: 380px; max-width: 100%; height: auto; }
#curve-legend { display: flex; flex-wrap: wrap; gap: 4px 14px; font-size: 13px; margin-top: 6px; }
svg text { fill: var(--ink); }
.grid { stroke: #e6e6e6; }
.frame { fill: none; stroke: #999; }
.chance { stroke: #aaa; stroke-dasharray: 4 4; }
.tick { font-size: 11px; fill: var(--muted); }
.axis { font-size: 12.5px; font-weight: 600; }
.label { font-size: 12px; }
.series { fill: none; }
.marker { fill: #fff; stroke-width: 2; }
.heatmap .cell { stroke: none; cursor: pointer; }
.heatmap .cell:hover, .heatmap .cell:focus { stroke: #d55e00; stroke-width: 2; outline: none; }
.cell-text { font-size: 11px; pointer-events: none; }
svg .cell-text.on-light { fill: #000; }
svg .cell-text.on-dark { fill: #fff; }
.heatmap-canvas { image-rendering: pixelated; max-width: 100%; cursor: crosshair; }
.inputs td, .inputs th { text-align: left; }
.fold-dot { fill: #0072B2; fill-opacity: 0.75; }
.fold-mean { stroke: #d55e00; stroke-width: 2.5; }
.empty { color: var(--muted); }
@media print { section { break-inside: avoid; } }
"""#
}
