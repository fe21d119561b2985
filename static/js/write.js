// Keep the suggested salutation in step with addressee and language until the writer edits it.
(() => {
  const data = document.getElementById("colleague-greetings");
  const addressee = document.getElementById("addressee");
  const outsideName = document.getElementById("addressee_name");
  const language = document.getElementById("language");
  const salutation = document.getElementById("salutation");
  if (!data || !addressee || !language || !salutation) return;
  const greetings = JSON.parse(data.textContent);
  let lastSuggestion = salutation.value;

  function suggestion() {
    const person = greetings[addressee.value];
    const name = person ? person.name : (outsideName ? outsideName.value.trim() : "");
    if (language.value === "de") {
      const word = person ? person.de : "Hallo";
      return name ? `${word} ${name},` : "Hallo,";
    }
    return name ? `Dear ${name},` : "Dear colleague,";
  }

  const choices = document.getElementById("salutation-choices");
  const greetingWords = { de: ["Liebe", "Lieber", "Hallo", "Guten Tag"], en: ["Dear", "Hello", "Hi"] };

  function offerChoices() {
    if (!choices) return;
    const person = greetings[addressee.value];
    const name = person ? person.name : (outsideName ? outsideName.value.trim() : "");
    choices.replaceChildren(...(name ? greetingWords[language.value] || [] : []).map((word) => {
      const option = document.createElement("option");
      option.value = `${word} ${name},`;
      return option;
    }));
  }

  function update() {
    offerChoices();
    if (salutation.value !== "" && salutation.value !== lastSuggestion) return;
    lastSuggestion = suggestion();
    salutation.value = lastSuggestion;
  }

  [addressee, language].forEach((el) => el.addEventListener("change", update));
  if (outsideName) outsideName.addEventListener("input", update);
  // A writer quicker than this script (a slow line) chose someone before it listened.
  const chosen = addressee.value || (outsideName && outsideName.value.trim());
  if (salutation.value === "" && chosen) update();
})();

// The closing follows the letter's language ("Viele Grüße" / "Best wishes") until edited.
(() => {
  const data = document.getElementById("closings");
  const language = document.getElementById("language");
  const closing = document.getElementById("closing");
  if (!data || !language || !closing) return;
  const closings = JSON.parse(data.textContent);
  const suggested = new Set(Object.values(closings));
  language.addEventListener("change", () => {
    if (closing.value.trim() !== "" && !suggested.has(closing.value)) return;
    closing.value = closings[language.value] || closing.value;
  });
})();

// Find letters for "related discussions" by typing part of a title; adds the permalink.
(() => {
  const related = document.getElementById("related");
  if (!related) return;
  const box = document.createElement("div");
  box.className = "related-finder";
  const label = document.createElement("label");
  label.htmlFor = "related-finder";
  label.textContent = related.dataset.finderLabel || "Find a letter by part of its title";
  const input = document.createElement("input");
  input.type = "search";
  input.id = "related-finder";
  input.autocomplete = "off";
  const list = document.createElement("ul");
  list.className = "related-suggestions";
  list.setAttribute("aria-live", "polite");
  box.append(label, input, list);
  related.closest(".field").after(box);
  let timer;
  input.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(async () => {
      list.replaceChildren();
      if (input.value.trim().length < 2) return;
      const response = await fetch(`/letters/suggest?q=${encodeURIComponent(input.value)}`);
      if (!response.ok) return;
      for (const letter of await response.json()) {
        const item = document.createElement("li");
        const button = document.createElement("button");
        button.type = "button";
        button.className = "link-button";
        button.textContent = `${letter.title} (${letter.author})`;
        button.addEventListener("click", () => {
          related.value = (related.value.trim() + "\n" + letter.url).trim();
          list.replaceChildren();
          input.value = "";
          related.focus();
        });
        item.append(button);
        list.append(item);
      }
    }, 200);
  });
})();

// On a narrow screen the letter being answered starts folded, so the form is in reach.
(() => {
  const answered = document.querySelector(".answered-letter");
  if (answered && window.matchMedia("(max-width: 40rem)").matches) answered.open = false;
})();
