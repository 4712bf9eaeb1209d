def test_dashboard_shows_mix(login_as, world):
    client = login_as("sociaal_beheerder")
    response = client.get(f"/locaties/{world.site}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Blok A" in html and "50,0%" in html
