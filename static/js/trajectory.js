// The chart's pain trajectory: NRS 0–10 over time as a line, each procedure as a dashed vertical line with
// its label. Data comes from the outcomes panel's json_script ("trajectory-data"); the same scores are in
// the table under the chart, so the canvas is a summary, not the only way to read them.
(() => {
  "use strict";
  const source = document.getElementById("trajectory-data");
  const canvas = document.getElementById("trajectory-chart");
  if (!source || !canvas || typeof Chart === "undefined") return;

  const data = JSON.parse(source.textContent);
  const css = getComputedStyle(document.documentElement);
  const colour = (name, fallback) => css.getPropertyValue(name).trim() || fallback;
  const line = colour("--bs-primary", "#0d6efd");
  const marker = colour("--bs-secondary-color", "#6c757d");
  const DAY = 24 * 60 * 60 * 1000;
  const dayLabel = (t) =>
    new Date(t).toLocaleDateString(undefined, { year: "numeric", month: "short", day: "numeric" });

  const times = [...data.points.map((p) => p.t), ...data.markers.map((m) => m.t)];
  const first = Math.min(...times);
  const last = Math.max(...times);
  const pad = Math.max(7 * DAY, (last - first) * 0.03);

  // A label longer than the chart is tall is cut short with an ellipsis.
  const fit = (ctx, text, width) => {
    if (ctx.measureText(text).width <= width) return text;
    let cut = text;
    while (cut.length > 1 && ctx.measureText(`${cut}…`).width > width) cut = cut.slice(0, -1);
    return `${cut.trimEnd()}…`;
  };

  // Procedures: a dashed line at each date of service, the label written up along it, under the pain line.
  const procedureLines = {
    id: "procedureLines",
    beforeDatasetsDraw(chart) {
      const { ctx, chartArea, scales } = chart;
      ctx.save();
      ctx.strokeStyle = marker;
      ctx.fillStyle = marker;
      ctx.setLineDash([4, 4]);
      ctx.lineWidth = 1;
      ctx.font = "11px system-ui, sans-serif";
      let labelled = -Infinity;
      for (const m of data.markers) {
        const x = scales.x.getPixelForValue(m.t);
        if (x < chartArea.left || x > chartArea.right) continue;
        ctx.beginPath();
        ctx.moveTo(x, chartArea.top);
        ctx.lineTo(x, chartArea.bottom);
        ctx.stroke();
        // Procedures days apart share a spot on a long axis: label the first, the table names them all.
        if (x - labelled < 14) continue;
        labelled = x;
        ctx.save();
        ctx.translate(x - 3, chartArea.top + 4);
        ctx.rotate(-Math.PI / 2);
        ctx.textAlign = "right";
        ctx.fillText(fit(ctx, m.label, chartArea.bottom - chartArea.top - 8), 0, 0);
        ctx.restore();
      }
      ctx.restore();
    },
  };

  const reduceMotion = window.matchMedia("(prefers-reduced-motion: reduce)").matches;
  new Chart(canvas, {
    type: "line",
    data: {
      datasets: [
        {
          label: "Pain (NRS 0–10)",
          data: data.points.map((p) => ({ x: p.t, y: p.nrs, what: p.what, day: p.day })),
          borderColor: line,
          backgroundColor: line,
          pointRadius: 3,
          tension: 0,
        },
      ],
    },
    options: {
      animation: reduceMotion ? false : undefined,
      maintainAspectRatio: false,
      scales: {
        x: {
          type: "linear",
          min: first - pad,
          max: last + pad,
          ticks: { callback: (value) => dayLabel(value), maxTicksLimit: 6, maxRotation: 0 },
        },
        y: { min: 0, max: 10, ticks: { stepSize: 2 }, title: { display: true, text: "Pain (NRS)" } },
      },
      plugins: {
        legend: { display: false },
        tooltip: {
          callbacks: {
            title: (items) => items[0].raw.day,
            label: (item) => `${item.raw.what}: NRS ${item.raw.y}`,
          },
        },
      },
    },
    plugins: [procedureLines],
  });
})();
