// Search-as-you-type pickers (the customer and serial-number search at intake, and any other):
// the keyboard picks a result as well as the mouse does. The input names its result list
// with data-combobox="#results"; the server renders the results as role="listbox" with
// role="option" items (buttons doing what a click does). Down/Up move the active item (the focus
// stays in the input: aria-activedescendant), Enter picks it without submitting any form, Escape
// closes the list. Own file, no inline script (Content-Security-Policy, docs/adr/0007).
(function () {
  "use strict";

  var made = 0;

  function listOf(input) {
    return document.querySelector(input.dataset.combobox);
  }

  function optionsOf(input) {
    var list = listOf(input);
    if (!list) {
      return [];
    }
    return Array.prototype.slice.call(list.querySelectorAll('[role="option"]:not([aria-disabled="true"])'));
  }

  function activeIndex(options) {
    for (var i = 0; i < options.length; i += 1) {
      if (options[i].classList.contains("active")) {
        return i;
      }
    }
    return -1;
  }

  function activate(input, options, index) {
    options.forEach(function (option, i) {
      var on = i === index;
      option.classList.toggle("active", on);
      option.setAttribute("aria-selected", on ? "true" : "false");
    });
    if (index < 0) {
      input.removeAttribute("aria-activedescendant");
      return;
    }
    var option = options[index];
    if (!option.id) {
      made += 1;
      option.id = "combobox-option-" + made;
    }
    input.setAttribute("aria-activedescendant", option.id);
    option.scrollIntoView({ block: "nearest" });
  }

  // After the results changed (new answer, emptied after a pick): nothing active, expanded or not.
  function reset(input) {
    var options = optionsOf(input);
    input.setAttribute("aria-expanded", options.length ? "true" : "false");
    activate(input, options, -1);
  }

  function setUp(root) {
    var inputs = root.querySelectorAll ? root.querySelectorAll("input[data-combobox]") : [];
    Array.prototype.forEach.call(inputs, function (input) {
      var list = listOf(input);
      input.setAttribute("role", "combobox");
      input.setAttribute("aria-autocomplete", "list");
      if (list && list.id) {
        input.setAttribute("aria-controls", list.id);
      }
      reset(input);
    });
  }

  document.addEventListener("keydown", function (event) {
    var input = event.target;
    if (!(input instanceof HTMLInputElement) || !input.dataset.combobox || event.isComposing) {
      return; // an IME composing Chinese uses the arrows and Enter itself
    }
    var options = optionsOf(input);
    if (!options.length) {
      return;
    }
    var current = activeIndex(options);
    if (event.key === "ArrowDown") {
      event.preventDefault();
      activate(input, options, current + 1 >= options.length ? 0 : current + 1);
    } else if (event.key === "ArrowUp") {
      event.preventDefault();
      activate(input, options, current <= 0 ? options.length - 1 : current - 1);
    } else if (event.key === "Enter" && current >= 0) {
      event.preventDefault(); // pick, do not submit (nor search again)
      options[current].click();
    } else if (event.key === "Escape") {
      event.preventDefault(); // close the list; a second Escape clears the input as usual
      listOf(input).innerHTML = "";
      reset(input);
    }
  });

  // A pointer over an option makes it the active one, so the two ways never disagree.
  document.addEventListener("mouseover", function (event) {
    var option = event.target instanceof Element && event.target.closest('[role="option"]');
    if (!option) {
      return;
    }
    document.querySelectorAll("input[data-combobox]").forEach(function (input) {
      var options = optionsOf(input);
      var index = options.indexOf(option);
      if (index >= 0) {
        activate(input, options, index);
      }
    });
  });

  // New results came in: start again from none active. Other requests on the page (the promise
  // asked again, a pick) leave an ongoing choice alone unless they emptied its list.
  document.body.addEventListener("htmx:afterSettle", function (event) {
    var swapped = event.target;
    document.querySelectorAll("input[data-combobox]").forEach(function (input) {
      var list = listOf(input);
      if (list && swapped instanceof Node && (list.contains(swapped) || swapped.contains(list))) {
        reset(input);
      }
    });
  });
  document.body.addEventListener("htmx:afterRequest", function () {
    document.querySelectorAll("input[data-combobox]").forEach(function (input) {
      var active = input.getAttribute("aria-activedescendant");
      if (!optionsOf(input).length || (active && !document.getElementById(active))) {
        reset(input);
      }
    });
  });
  document.body.addEventListener("htmx:load", function (event) {
    setUp(event.target);
  });
  setUp(document);
})();
