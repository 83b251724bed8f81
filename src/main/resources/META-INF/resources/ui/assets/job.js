// One job: changes of this job on the status topic re-fetch the live part of the page (state,
// stages, graph, tasks, result); the request is fetched once; Cancel asks first, then publishes.
(function () {
  "use strict";
  var box = document.getElementById("job-live");
  var job = box.getAttribute("data-job");
  var live = document.getElementById("live");
  var pending = false;
  function refresh() {
    if (pending) { return; }
    pending = true;
    setTimeout(function () {
      fetch("/ui/jobs/" + encodeURIComponent(job) + "/live")
        .then(function (r) { return r.ok ? r.text() : null; })
        .then(function (html) {
          if (html === null) { return; }
          box.innerHTML = html;
          var state = document.getElementById("job-state");
          var done = ["SUCCEEDED", "FAILED", "TIMED_OUT", "CANCELLED", "REJECTED"];
          if (state && done.indexOf(state.getAttribute("data-state")) >= 0) {
            document.getElementById("cancel").hidden = true;
          }
        })
        .finally(function () { pending = false; });
    }, 200);
  }
  var events = new EventSource("/ui/events");
  events.onopen = function () { live.classList.add("on"); refresh(); };
  events.onerror = function () { live.classList.remove("on"); };
  events.onmessage = function (e) { if (e.data === job) { refresh(); } };
  // Results land in the store a moment after the last status event: look again now and then.
  setInterval(refresh, 5000);

  fetch("/ui/jobs/" + encodeURIComponent(job) + "/request")
    .then(function (r) { return r.text(); })
    .then(function (t) { document.getElementById("request").textContent = t; });

  var cancel = document.getElementById("cancel");
  var note = document.getElementById("cancel-note");
  cancel.addEventListener("click", function () {
    if (!window.confirm("Cancel job " + job + "? Its running tasks are stopped.")) { return; }
    cancel.disabled = true;
    fetch("/ui/jobs/" + encodeURIComponent(job) + "/cancel", { method: "POST", headers: { "X-Conveyor-UI": "cancel" } })
      .then(function (r) { return r.text().then(function (t) { note.textContent = t; if (!r.ok) { cancel.disabled = false; } }); })
      .catch(function (e) { note.textContent = "cancel failed: " + e; cancel.disabled = false; });
  });
})();
