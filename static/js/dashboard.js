// The outcomes dashboard's charts. Each canvas names the JSON block (Django's json_script) holding its labels
// and numbers; the table under each chart has the same numbers for screen readers and for copying.
(() => {
  "use strict";

  // Bootstrap's palette, in an order that keeps neighbouring series apart.
  const PALETTE = [
    "#0d6efd", "#fd7e14", "#20c997", "#6f42c1", "#d63384", "#198754", "#ffc107",
    "#0dcaf0", "#6c757d", "#dc3545", "#6610f2", "#adb5bd", "#212529", "#8bb8f8", "#f8b98b",
  ];
  const reducedMotion = window.matchMedia("(prefers-reduced-motion: reduce)").matches;

  function valueAxis(spec) {
    const axis = {
      beginAtZero: true,
      stacked: spec.stacked,
      title: { display: Boolean(spec.valueLabel), text: spec.valueLabel },
      ticks: { precision: 0 },
    };
    if (spec.percent) {
      if (spec.fullScale) axis.max = 100;
      axis.ticks.callback = (value) => `${value}%`;
    }
    return axis;
  }

  function draw(canvas) {
    const source = document.getElementById(canvas.dataset.chart);
    if (!source) return;
    const spec = JSON.parse(source.textContent);
    const many = spec.datasets.length > 1;
    const categoryAxis = { stacked: spec.stacked, ticks: { autoSkip: !spec.horizontal } };
    const values = valueAxis(spec);
    new window.Chart(canvas, {
      type: "bar",
      data: {
        labels: spec.labels,
        datasets: spec.datasets.map((dataset, index) => ({
          ...dataset,
          backgroundColor: PALETTE[index % PALETTE.length],
          borderWidth: 0,
          maxBarThickness: 48,
        })),
      },
      options: {
        indexAxis: spec.horizontal ? "y" : "x",
        responsive: true,
        maintainAspectRatio: false,
        animation: reducedMotion ? false : { duration: 400 },
        scales: spec.horizontal ? { x: values, y: categoryAxis } : { x: categoryAxis, y: values },
        plugins: {
          legend: { display: many, position: "bottom" },
          tooltip: {
            callbacks: {
              label: (item) => `${item.dataset.label}: ${item.formattedValue}${spec.percent ? "%" : ""}`,
            },
          },
        },
      },
    });
    canvas.dataset.rendered = "true";
  }

  document.addEventListener("DOMContentLoaded", () => {
    // Without Chart.js (blocked or failed to load) the tables still carry every number.
    if (!window.Chart) return;
    document.querySelectorAll("canvas[data-chart]").forEach(draw);
  });
})();
