// Draws the dashboard's charts with Chart.js from the figures the page carries (#chart-data).
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  const data = JSON.parse(document.getElementById("chart-data").textContent);
  const blue = "#0b5394", orange = "#b35900";
  new Chart(document.getElementById("per-day-chart"), {
    type: "line",
    data: {
      labels: data.days,
      datasets: [
        { label: "Conversations", data: data.conversations, borderColor: blue, backgroundColor: blue },
        { label: "Patient messages", data: data.messages, borderColor: orange, backgroundColor: orange },
      ],
    },
    options: { animation: false, maintainAspectRatio: false, scales: { y: { beginAtZero: true } } },
  });
  const topics = document.getElementById("topics-chart");
  if (topics) {
    new Chart(topics, {
      type: "bar",
      data: { labels: data.topics, datasets: [{ label: "Questions", data: data.topic_counts, backgroundColor: blue }] },
      options: { animation: false, maintainAspectRatio: false, indexAxis: "y", plugins: { legend: { display: false } } },
    });
  }
});
