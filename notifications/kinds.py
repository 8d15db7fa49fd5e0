"""What a person can be told: every notification's sentence, declared once with a code.

A notification is stored as the code of one of these messages and its parameters
(`notifications.wording`), and rendered when it is read, in the reader's language: the
page, the bell, the API, the e-mail. The SLA ladder's sentences are declared where the
ladder lives (`tickets.escalation.STEP_NOTES`) and stored the same way.

Parameters are the ticket's reference, people's display names, a site's name, and values
that are rendered per reader: an amount (`wording.Money`), a moment in a site's zone
(`wording.At`), a list (`wording.Listing`) and nested words declared here.
"""

from core.messages import define
from core.words import N_

# --- a step on the ticket tells whoever must act next (notifications.alerts) -------------
DECLINE_WAITS = define("notify.decline_waits", N_("%(ref)s: a decline waits for your sign-off."))
FIX_WAITS = define("notify.fix_waits", N_("%(ref)s: a fix of %(amount)s waits for your approval."))
ESCALATED_TO_SUPERVISORS = define(
    "notify.escalated_to_supervisors",
    N_("%(ref)s: escalated by hand to supervisors (level %(level)s) by %(actor)s."))
ESCALATED_TO_MANAGERS = define(
    "notify.escalated_to_managers",
    N_("%(ref)s: escalated by hand to managers (level %(level)s) by %(actor)s."))
HANDED_TO_YOU = define(
    "notify.handed_to_you",
    N_("%(ref)s: %(actor)s hands this ticket to you; accept it to own it."))
GIVEN_TO_YOU = define("notify.given_to_you", N_("%(ref)s: %(actor)s gave this ticket to you."))
REQUEST_APPROVED = define("notify.request_approved",
                          N_("%(ref)s: %(actor)s approved your request."))
REQUEST_SENT_BACK = define("notify.request_sent_back",
                           N_("%(ref)s: %(actor)s sent back your request."))
REOPENED_BY = define("notify.reopened_by", N_("%(ref)s: reopened by %(actor)s."))

# --- a ticket is opened (notifications.alerts) -------------------------------------------
GUEST_COMPLAINED_WEB = define(
    "notify.guest_complained_web",
    N_("%(ref)s: a guest complained through the web form. Own it."))
GUEST_COMPLAINED_EMAIL = define(
    "notify.guest_complained_email", N_("%(ref)s: a guest complained by e-mail. Own it."))
GUEST_COMPLAINED = define("notify.guest_complained", N_("%(ref)s: a guest complained. Own it."))
SAFETY_COMPLAINT = define(
    "notify.safety_complaint",
    N_("%(ref)s: safety or health complaint at %(site)s. Act now."))

# --- the follow-up loop (followups.services, followups.sweep) ----------------------------
FOLLOW_UP_REOPENED = define(
    "notify.follow_up_reopened",
    N_("%(ref)s: the customer is not satisfied after the follow-up (%(answer)s); the ticket "
       "is reopened to %(owner)s."))
ITS_OWNER = define("notify.word.its_owner", N_("its owner"))
ANSWER_CSAT = define("notify.answer.csat", N_("CSAT %(score)s"))
ANSWER_NOT_RECOVERED = define("notify.answer.not_recovered", N_("not recovered"))
ANSWER_DISSATISFIED = define("notify.answer.dissatisfied", N_("dissatisfied"))
FOLLOW_UP_DUE = define(
    "notify.follow_up_due",
    N_("%(ref)s: the %(what)s with %(customer)s is due (%(due)s)."))
FOLLOW_UP_WORDS = {
    "check_in": define("notify.word.check_in", N_("check-in")),
    "survey": define("notify.word.survey", N_("survey")),
}

# --- the customer's side (correspondence.inbound, public.status_views) -------------------
CUSTOMER_WROTE = define("notify.customer_wrote",
                        N_("%(ref)s: the customer wrote. Read it and answer."))
CUSTOMER_ACCEPTED = define(
    "notify.customer_accepted",
    N_("%(ref)s: the customer accepted the fix offered on their status page."))
CUSTOMER_ASKED_ELSE = define(
    "notify.customer_asked_else",
    N_("%(ref)s: the customer asked for something else on their status page."))

# --- the weekly report (reports.mail) -----------------------------------------------------
WEEKLY_REPORT = define(
    "notify.weekly_report",
    N_("Weekly recovery report %(week)s for %(where)s is ready: %(headline)s."))
ALL_SITES = define("notify.word.all_sites", N_("all sites"))
REPORT_FIGURE = define("notify.report_figure", N_("%(label)s %(value)s"))

# How a list inside a sentence is joined ("CSAT 2, not recovered").
LIST_SEPARATOR = define("notify.list_separator", N_(", "))
