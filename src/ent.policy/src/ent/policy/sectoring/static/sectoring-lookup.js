/* "Quel est mon collège ?" (ent.policy.sectoring.browser): suggestions for the commune and
   the street, from @sectoring-communes and @sectoring-streets, in the fields' <datalist>s.
   The form works without this script: the server resolves what was typed. */
(function () {
  "use strict";

  var DELAY = 200;

  function items(data) {
    if (Array.isArray(data)) return data;
    return (data && (data.items || data.communes || data.streets)) || [];
  }

  var PARTICLES = ["de", "du", "des", "la", "le", "les", "lès", "sur", "sous", "en", "et", "aux", "au", "d", "l"];

  /* As the page writes names (display_name in browser.py): "SAINT-JEAN" -> "Saint-Jean". */
  function displayName(name) {
    name = (name || "").trim();
    if (name !== name.toUpperCase()) return name;
    return name
      .toLowerCase()
      .split(/([\s\-']+)/)
      .map(function (part, index) {
        if (index % 2 || (index && PARTICLES.indexOf(part) >= 0)) return part;
        return part.charAt(0).toUpperCase() + part.slice(1);
      })
      .join("");
  }

  function communeLabel(commune) {
    var code = commune.postal_code || commune.insee;
    var name = displayName(commune.name);
    return code ? name + " (" + code + ")" : name;
  }

  function fill(datalist, values) {
    datalist.textContent = "";
    values.forEach(function (value) {
      var option = document.createElement("option");
      option.value = value;
      datalist.appendChild(option);
    });
  }

  function suggest(input, datalist, url, params, toValues) {
    var timer = null;
    var pending = null;
    input.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(function () {
        var query = params();
        if (!query) return;
        if (pending) pending.abort();
        pending = new AbortController();
        fetch(url + "?" + new URLSearchParams(query).toString(), {
          headers: { Accept: "application/json" },
          credentials: "same-origin",
          signal: pending.signal,
        })
          .then(function (response) {
            return response.ok ? response.json() : [];
          })
          .then(function (data) {
            fill(datalist, toValues(items(data)));
          })
          .catch(function () {
            /* No suggestions: the form still works. */
          });
      }, DELAY);
    });
  }

  function start(form) {
    var commune = form.querySelector("#ent-sectoring-commune");
    var street = form.querySelector("#ent-sectoring-street");
    var communes = form.querySelector("#ent-sectoring-communes");
    var streets = form.querySelector("#ent-sectoring-streets");
    if (!commune || !street || !communes || !streets || !window.fetch) return;
    // label shown in the commune field -> INSEE code, for the streets' suggestions.
    var known = {};
    if (commune.dataset.insee) known[commune.value] = commune.dataset.insee;

    suggest(
      commune,
      communes,
      form.dataset.communesUrl,
      function () {
        var text = commune.value.trim();
        return text.length >= 2 && !known[commune.value] ? { q: text } : null;
      },
      function (found) {
        // The name alone, with its postal code only when two communes found share it.
        var names = {};
        found.forEach(function (entry) {
          var name = displayName(typeof entry === "string" ? entry : entry.name);
          names[name] = (names[name] || 0) + 1;
        });
        return found.map(function (entry) {
          if (typeof entry === "string") return displayName(entry);
          var name = displayName(entry.name);
          var label = names[name] > 1 ? communeLabel(entry) : name;
          known[label] = entry.insee;
          return label;
        });
      }
    );
    commune.addEventListener("change", function () {
      fill(streets, []);
    });

    suggest(
      street,
      streets,
      form.dataset.streetsUrl,
      function () {
        var insee = known[commune.value];
        var text = street.value.trim();
        return insee && text.length >= 2 ? { insee: insee, q: text } : null;
      },
      function (found) {
        return found.map(function (entry) {
          return displayName(typeof entry === "string" ? entry : entry.name || entry.title || "");
        });
      }
    );
  }

  function ready() {
    document.querySelectorAll("form.ent-sectoring-form").forEach(start);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", ready);
  } else {
    ready();
  }
})();
