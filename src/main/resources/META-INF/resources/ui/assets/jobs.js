// The jobs list: every change on the status topic (a job id, from /ui/events) re-fetches the
// rows of the current filter and page, at most four times a second. The chart redraws every 2 s.
(function () {
  "use strict";
  var pending = false;
  var live = document.getElementById("live");
  function refresh() {
    if (pending) { return; }
    pending = true;
    setTimeout(function () {
      fetch("/ui/rows" + location.search, { headers: { "Accept": "text/html" } })
        .then(function (r) { return r.ok ? r.text() : null; })
        .then(function (html) { if (html !== null) { document.getElementById("rows").innerHTML = html; } })
        .finally(function () { pending = false; });
    }, 250);
  }
  var events = new EventSource("/ui/events");
  events.onopen = function () { live.classList.add("on"); refresh(); };
  events.onerror = function () { live.classList.remove("on"); };
  events.onmessage = function (e) { if (e.data && e.data !== "-") { refresh(); } };

  var colours = ["#2f6fdb", "#b9a04a", "#7d5bbf", "#d0453b", "#1d7044"];
  function line(values, max, w, h, colour) {
    if (values.length < 2) { return ""; }
    var step = w / (values.length - 1);
    var pts = values.map(function (v, i) { return (i * step).toFixed(1) + "," + (h - (v / max) * (h - 4) - 2).toFixed(1); });
    return '<polyline fill="none" stroke="' + colour + '" stroke-width="1.6" points="' + pts.join(" ") + '"/>';
  }
  function chart() {
    fetch("/ui/throughput").then(function (r) { return r.json(); }).then(function (t) {
      var svg = document.getElementById("chart");
      var w = 420, h = 92;
      var jobsMax = Math.max(1, Math.max.apply(null, t.jobsPerSecond.concat([0])));
      var backends = Object.keys(t.tasksInFlight);
      var tasksMax = 1;
      backends.forEach(function (b) { tasksMax = Math.max(tasksMax, Math.max.apply(null, t.tasksInFlight[b].concat([0]))); });
      var body = '<rect x="0" y="0" width="420" height="92" fill="#fafbfc"/>' + line(t.jobsPerSecond, jobsMax, w, h, "#2e9e5b");
      var legend = '<tspan fill="#2e9e5b">■ jobs/s (max ' + jobsMax + ')</tspan>';
      backends.forEach(function (b, i) {
        var c = colours[i % colours.length];
        body += line(t.tasksInFlight[b], tasksMax, w, h, c);
        legend += ' <tspan fill="' + c + '">■ ' + b.replace(/[<&"]/g, "") + ' in flight (max ' + tasksMax + ')</tspan>';
      });
      svg.innerHTML = body + '<text x="2" y="106" font-size="10">' + legend + '</text>';
    }).catch(function () {});
  }
  chart();
  setInterval(chart, 2000);
})();
