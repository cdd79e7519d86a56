// Searchable pickers (chibo/common/pickers.py): a <select> or a checkbox list becomes a search box with a
// list of matches (the ARIA combobox pattern). The original field stays in the form, hidden, and holds the
// value that is posted; without this script it is shown as it always was.
(() => {
  let counter = 0;

  function setUp(box) {
    const select = box.querySelector("select");
    const boxes = [...box.querySelectorAll("input[type=checkbox]")];
    const multiple = box.dataset.pickerMultiple === "1";
    // The values the field offers: a match outside them would be refused by the form, so it is not shown.
    const choices = new Map();
    if (select) {
      for (const option of select.options) {
        // The tree's indent ("· · ") helps in a long list, not in a list of matches.
        if (option.value) choices.set(option.value, { label: option.textContent.replace(/^[·\s]+/, "").trim(), option });
      }
    } else {
      for (const input of boxes) {
        const label = input.closest("label");
        choices.set(input.value, { label: (label ? label.textContent : input.value).trim(), input });
      }
    }
    if (!choices.size) return;

    const n = ++counter;
    const original = [...box.children];
    const fieldLabel = select && select.id ? document.querySelector(`label[for="${select.id}"]`) : null;
    const legend = box.closest("fieldset") ? box.closest("fieldset").querySelector("legend") : null;
    const name = (fieldLabel || legend || {}).textContent || "";

    const chips = document.createElement("div");
    chips.className = "picker-chips";
    const input = document.createElement("input");
    input.type = "text";
    input.id = `picker-${n}`;
    input.className = "picker-input";
    input.autocomplete = "off";
    input.placeholder = box.dataset.pickerPlaceholder || "";
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", `picker-${n}-list`);
    if (fieldLabel) fieldLabel.htmlFor = input.id;
    else if (name) input.setAttribute("aria-label", name.trim());
    const list = document.createElement("ul");
    list.id = `picker-${n}-list`;
    list.className = "picker-list";
    list.setAttribute("role", "listbox");
    if (name) list.setAttribute("aria-label", name.trim());
    list.hidden = true;
    const status = document.createElement("p");
    status.className = "picker-status small muted";
    status.setAttribute("aria-live", "polite");

    for (const el of original) el.hidden = true;
    if (multiple) box.append(chips);
    box.append(input, list, status);

    let active = -1;
    let asked = 0;
    let timer = null;

    const isOn = (value) => {
      const c = choices.get(value);
      return select ? select.value === value : c.input.checked;
    };
    const chosenLabel = () => (select && choices.has(select.value) ? choices.get(select.value).label : "");

    function close() {
      list.hidden = true;
      list.replaceChildren();
      active = -1;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
    }

    function highlight(index) {
      const items = [...list.children];
      if (!items.length) return;
      active = (index + items.length) % items.length;
      items.forEach((li, i) => li.classList.toggle("active", i === active));
      input.setAttribute("aria-activedescendant", items[active].id);
      items[active].scrollIntoView({ block: "nearest" });
    }

    function addChip(value) {
      const chip = document.createElement("button");
      chip.type = "button";
      chip.className = "picker-chip";
      chip.dataset.value = value;
      chip.setAttribute("aria-label", `Bỏ chọn ${choices.get(value).label}`);
      chip.append(choices.get(value).label, " ");
      const x = document.createElement("span");
      x.setAttribute("aria-hidden", "true");
      x.textContent = "×";
      chip.append(x);
      chip.addEventListener("click", () => {
        choices.get(value).input.checked = false;
        chip.remove();
        status.textContent = `Đã bỏ chọn ${choices.get(value).label}.`;
        input.focus();
      });
      chips.append(chip);
    }

    function choose(value) {
      const c = choices.get(value);
      if (select) {
        select.value = value;
        select.dispatchEvent(new Event("change", { bubbles: true }));
        input.value = c.label;
      } else {
        if (!c.input.checked) {
          c.input.checked = true;
          c.input.dispatchEvent(new Event("change", { bubbles: true }));
          addChip(value);
        }
        input.value = "";
      }
      status.textContent = `Đã chọn ${c.label}.`;
      close();
    }

    function show(results) {
      list.replaceChildren();
      active = -1;
      input.removeAttribute("aria-activedescendant");
      const offered = results.filter((r) => choices.has(String(r.id)) && !(multiple && isOn(String(r.id))));
      for (const r of offered) {
        const value = String(r.id);
        const li = document.createElement("li");
        li.id = `picker-${n}-o${value}`;
        li.setAttribute("role", "option");
        li.setAttribute("aria-selected", String(isOn(value)));
        li.textContent = choices.get(value).label;
        // mousedown would blur the input before the click lands.
        li.addEventListener("mousedown", (event) => event.preventDefault());
        li.addEventListener("click", () => choose(value));
        list.append(li);
      }
      list.hidden = !offered.length;
      input.setAttribute("aria-expanded", String(!!offered.length));
      status.textContent = offered.length ? `${offered.length} kết quả; dùng phím mũi tên và Enter để chọn.` : "Không tìm thấy.";
    }

    function search() {
      const q = input.value.trim();
      if (!q) { close(); status.textContent = ""; return; }
      const ticket = ++asked;
      fetch(`${box.dataset.pickerUrl}q=${encodeURIComponent(q)}`, {
        credentials: "same-origin",
        headers: { Accept: "application/json" },
      })
        .then((response) => (response.ok ? response.json() : { results: [] }))
        .then((data) => { if (ticket === asked) show(data.results || []); })
        .catch(() => { if (ticket === asked) status.textContent = "Không tìm được: kiểm tra kết nối mạng."; });
    }

    input.addEventListener("input", () => {
      if (select && !input.value.trim() && select.querySelector('option[value=""]')) select.value = "";
      clearTimeout(timer);
      timer = setTimeout(search, 200);
    });
    input.addEventListener("keydown", (event) => {
      const open = !list.hidden;
      if (event.key === "ArrowDown") {
        event.preventDefault();
        if (open) highlight(active + 1); else search();
      } else if (event.key === "ArrowUp") {
        event.preventDefault();
        if (open) highlight(active - 1);
      } else if (event.key === "Enter" && open) {
        // Enter chooses; it submits the form only once the list is closed.
        event.preventDefault();
        const item = list.children[active >= 0 ? active : 0];
        if (item) choose(item.id.slice(`picker-${n}-o`.length));
      } else if (event.key === "Escape" && open) {
        event.preventDefault();
        close();
        if (select) input.value = chosenLabel();
      }
    });
    input.addEventListener("blur", () => {
      close();
      if (select) input.value = chosenLabel();
    });

    if (select) input.value = chosenLabel();
    else for (const [value, c] of choices) if (c.input.checked) addChip(value);
  }

  function start() {
    for (const box of document.querySelectorAll(".picker[data-picker-url]")) setUp(box);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
