"""E-mail intake: a customer's mail opens a ticket or joins the one it answers."""
