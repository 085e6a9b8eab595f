// Click a header button to sort by that column; a second click reverses the order.
(function () {
  "use strict";
  var table = document.getElementById("employees");
  var body = table.tBodies[0];
  var headers = Array.prototype.slice.call(table.tHead.rows[0].cells);
  var status = document.getElementById("sort-status");

  function value(row, column) {
    var cell = row.cells[column];
    return cell.dataset.sortValue !== undefined ? Number(cell.dataset.sortValue) : cell.textContent.trim();
  }

  headers.forEach(function (th, column) {
    th.querySelector("button").addEventListener("click", function () {
      var ascending = th.getAttribute("aria-sort") !== "ascending";
      var rows = Array.prototype.slice.call(body.rows);
      rows.sort(function (a, b) {
        var x = value(a, column);
        var y = value(b, column);
        var order = typeof x === "number" ? x - y : String(x).localeCompare(String(y));
        return ascending ? order : -order;
      });
      rows.forEach(function (row) { body.appendChild(row); });
      headers.forEach(function (other) { other.setAttribute("aria-sort", "none"); });
      th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
      status.textContent = "Sorted by " + th.textContent.trim() + (ascending ? ", ascending" : ", descending");
    });
  });
})();
