// The article page's discussion: Reply opens the comment form under the comment it answers
// and posts it in place; Recommend counts without a reload; counts are filled in as of now.
// Without this script all of it works as plain links and forms.
(() => {
  "use strict";
  const discussion = document.getElementById("discussion");
  if (!discussion) return;
  const home = document.getElementById("post-comment");
  const form = home && home.querySelector("form");

  let reply = null; // {link, box, parent, note, cancel, hiddenParts, answered}

  const visibleFields = () =>
    [...form.querySelectorAll("input, textarea, select")].filter(
      (field) => field.type !== "hidden" && !field.closest(".honeypot, [hidden]")
    );

  const removeSummary = () => {
    const summary = form.querySelector(".error-summary");
    if (summary) summary.remove();
    form.querySelectorAll("[aria-invalid]").forEach((field) => field.removeAttribute("aria-invalid"));
  };

  const openReply = (link) => {
    const parent = link.closest("li.comment");
    if (reply) closeReply(false);
    const name = (parent.querySelector(".comment__meta b") || {}).textContent || "the comment";
    const box = document.createElement("div");
    box.className = "comment-form comment-form--reply";
    box.setAttribute("role", "group");
    box.setAttribute("aria-label", `Reply to ${name}`);
    const to = document.createElement("p");
    to.className = "comment-form__to";
    to.textContent = `Replying to ${name}`;
    box.append(to, form);
    const actions = [...parent.children].filter((child) =>
      child.matches(".comment__reply, .comment__recommend, .comment__recommends, .comment__report")
    );
    actions[actions.length - 1].after(box);
    // What belongs to a new comment of the page's own, not to a reply.
    const hiddenParts = [form.querySelector(".replying-to"), form.querySelector("[name=question]")]
      .map((part) => part && (part.closest(".field") || part))
      .filter((part) => part && !part.hidden);
    hiddenParts.forEach((part) => (part.hidden = true));
    const cancel = document.createElement("button");
    cancel.type = "button";
    cancel.className = "comment-form__cancel button--link";
    cancel.textContent = "Cancel";
    form.querySelector("button[type=submit]").after(cancel);
    const note = document.createElement("p");
    note.className = "comment-form__moved";
    note.textContent = `The form is open under the comment by ${name}. `;
    const back = document.createElement("button");
    back.type = "button";
    back.className = "button--link";
    back.textContent = "Write a comment of your own instead";
    back.addEventListener("click", () => {
      closeReply(false);
      visibleFields()[0].focus();
    });
    note.append(back);
    home.querySelector("h2").after(note);
    const answered = form.elements.parent.value; // a reply page's own (?reply_to=)
    form.elements.parent.value = parent.id.replace("comment-", "");
    removeSummary();
    link.setAttribute("aria-expanded", "true");
    reply = { link, box, parent, note, cancel, hiddenParts, answered };
    visibleFields()[0].focus();
  };

  const closeReply = (returnFocus) => {
    const { link, box, note, cancel, hiddenParts, answered } = reply;
    reply = null;
    removeSummary();
    hiddenParts.forEach((part) => (part.hidden = false));
    cancel.remove();
    note.after(form);
    note.remove();
    box.remove();
    form.elements.parent.value = answered;
    link.setAttribute("aria-expanded", "false");
    if (returnFocus) link.focus();
  };

  const fragment = (html) => {
    const template = document.createElement("template");
    template.innerHTML = html;
    return template.content;
  };

  const showErrors = (summary) => {
    removeSummary();
    form.prepend(summary);
    summary.querySelectorAll("a[href^='#']").forEach((link) => {
      const field = document.getElementById(link.hash.slice(1));
      if (field) field.setAttribute("aria-invalid", "true");
    });
    summary.focus();
  };

  const failed = (message) => {
    const summary = document.createElement("div");
    summary.className = "error-summary";
    summary.setAttribute("role", "alert");
    summary.tabIndex = -1;
    const heading = document.createElement("h3");
    heading.textContent = "Your comment was not posted";
    const text = document.createElement("p");
    text.textContent = message;
    summary.append(heading, text);
    return summary;
  };

  const placeUnder = (parent, element) => {
    if (element.matches("li")) {
      let list = [...parent.children].find((child) => child.matches("ol.thread"));
      if (!list) {
        list = document.createElement("ol");
        list.className = "thread";
        parent.append(list);
      }
      list.append(element);
    } else {
      const replies = [...parent.children].find((child) => child.matches("ol, details"));
      parent.insertBefore(element, replies || null);
    }
    element.tabIndex = -1;
    element.focus();
  };

  const postReply = async () => {
    const submit = form.querySelector("button[type=submit]");
    submit.disabled = true;
    const { parent } = reply;
    try {
      const response = await fetch(form.action, {
        method: "POST",
        body: new FormData(form),
        headers: { "X-Fragment": "comment" },
        credentials: "same-origin",
      });
      const html = fragment(await response.text());
      if (response.status === 201) {
        form.elements.body.value = "";
        closeReply(false);
        placeUnder(parent, html.firstElementChild);
        return;
      }
      const summary = html.querySelector(".error-summary");
      showErrors(
        summary || failed(`The site answered ${response.status}. Please try again later.`)
      );
    } catch {
      showErrors(failed("The connection failed. Your text is still here: try again."));
    } finally {
      submit.disabled = false;
    }
  };

  if (form) {
    discussion.addEventListener("click", (event) => {
      const link = event.target.closest("a.comment__reply");
      if (!link || event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey) return;
      event.preventDefault();
      openReply(link);
    });
    form.addEventListener("submit", (event) => {
      if (!reply) return; // a comment of the page's own: the page's usual post
      event.preventDefault();
      postReply();
    });
    form.addEventListener("click", (event) => {
      if (reply && event.target === reply.cancel) closeReply(true);
    });
    form.addEventListener("keydown", (event) => {
      if (reply && event.key === "Escape") {
        event.preventDefault();
        closeReply(true);
      }
    });
  }

  const recommendForm = document.getElementById("recommend-form");

  const showCount = (button, count) => {
    let shown = button.nextElementSibling;
    if (!shown || !shown.matches(".comment__recommends")) {
      if (!count) return;
      shown = document.createElement("span");
      shown.className = "comment__recommends";
      button.after(" ", shown);
    }
    if (!count) {
      shown.remove();
      return;
    }
    shown.textContent = `${count} recommendation${count === 1 ? "" : "s"}`;
  };

  const say = (button, message) => {
    const holder = button.parentElement;
    let status = [...holder.children].find((child) => child.matches(".comment__message"));
    if (!status) {
      status = document.createElement("span");
      status.className = "comment__message";
      status.setAttribute("role", "status");
      (button.nextElementSibling?.matches(".comment__recommends")
        ? button.nextElementSibling
        : button
      ).after(status);
    }
    // Set once the live region is in place, so that it is announced.
    setTimeout(() => (status.textContent = message), 50);
  };

  const recommend = async (button) => {
    const body = new FormData(recommendForm);
    body.set("comment", button.value);
    button.disabled = true;
    try {
      const response = await fetch(recommendForm.action, {
        method: "POST",
        body,
        headers: { Accept: "application/json" },
        credentials: "same-origin",
      });
      if (response.ok) {
        const answer = await response.json();
        button.setAttribute("aria-pressed", String(answer.recommended));
        showCount(button, answer.count);
      } else if (response.status === 429) {
        say(button, await response.text());
      } else {
        say(button, "The recommendation did not go through. Please try again later.");
      }
    } catch {
      say(button, "The connection failed: the recommendation did not go through.");
    } finally {
      button.disabled = false;
    }
  };

  const buttons = () => discussion.querySelectorAll("button.comment__recommend");

  if (recommendForm) {
    buttons().forEach((button) => button.setAttribute("aria-pressed", "false"));
    discussion.addEventListener("click", (event) => {
      const button = event.target.closest("button.comment__recommend");
      if (!button) return;
      event.preventDefault();
      recommend(button);
    });
  }

  const refreshCounts = async () => {
    const address = discussion.dataset.recommendations;
    if (!address) return;
    try {
      const response = await fetch(address, { credentials: "same-origin" });
      if (!response.ok) return; // the page's own counts stay
      const { counts, recommended } = await response.json();
      const mine = new Set(recommended.map(String));
      buttons().forEach((button) => {
        showCount(button, counts[button.value] || 0);
        button.setAttribute("aria-pressed", String(mine.has(button.value)));
      });
    } catch {
      // The counts as of the page's making stay.
    }
  };
  refreshCounts();
})();
