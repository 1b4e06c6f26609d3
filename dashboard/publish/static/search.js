// Filters the list of gemeenten as the reader types; without JavaScript the whole list stays readable.
(function () {
  var input = document.getElementById("search");
  var items = Array.prototype.slice.call(document.querySelectorAll("#gemeenten li"));
  var count = document.getElementById("count");
  // "sudwest" finds Súdwest-Fryslân: accents are left out on both sides.
  function fold(text) {
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }
  items.forEach(function (item) { item.setAttribute("data-key", fold(item.getAttribute("data-key"))); });
  function update() {
    var query = fold(input.value.trim());
    var shown = 0;
    items.forEach(function (item) {
      var match = !query || item.getAttribute("data-key").indexOf(query) !== -1;
      item.hidden = !match;
      if (match) shown += 1;
    });
    count.textContent = shown + " / " + items.length;
  }
  input.addEventListener("input", update);
  update();
})();
