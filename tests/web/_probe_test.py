import re, jinja2
def test_probe(login_as, world, client, app):
    src = open("app/templates/residents/_support_fields.html").read().replace("10%-", "10%%-")
    app.jinja_env.loader = jinja2.ChoiceLoader([jinja2.DictLoader({"residents/_support_fields.html": src}), app.jinja_env.loader])
    app.jinja_env.cache.clear() if app.jinja_env.cache else None
    c = login_as("sociaal_beheerder")
    r = c.post(f"/locaties/{world.site}/bewoners/nieuw", data={"unit_id": world.units["A1"], "move_in_date": "2026-06-01", "name": "Nieuw", "status": "onbegeleid"})
    print(r.status_code)
    print("\n".join(l for l in r.get_data(as_text=True).splitlines() if "error" in l))
    r = c.post(f"/locaties/{world.site}/bewoners/nieuw", data={"unit_id": world.units["A3"], "move_in_date": "2026-06-01", "name": "", "email": "x@", "status": "begeleid", "indicated_hours": "200"})
    print(r.status_code)
    print("\n".join(l for l in r.get_data(as_text=True).splitlines() if "error" in l))
    r = c.post(f"/locaties/{world.site}/bewoners/nieuw", data={"unit_id": world.units["A3"], "move_in_date": "2026-06-01", "name": "Bea", "status": "begeleid", "indicated_hours": "8"})
    print(r.status_code)
    print("\n".join(l for l in r.get_data(as_text=True).splitlines() if "error" in l))
    r = c.get(f"/locaties/{world.site}/bewoners/nieuw")
    print(re.findall(r'<select id="unit_id".*?</select>', r.get_data(as_text=True), re.S))
