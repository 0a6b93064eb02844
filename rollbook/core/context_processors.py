from rollbook.core.access import school_for


def school(request):
    """The signed-in user's school for the page header (lazy: no query unless a template asks)."""
    cache: dict = {}

    def lazy():
        if "school" not in cache:
            cache["school"] = school_for(getattr(request, "user", None))
        return cache["school"]

    return {"current_school": lazy}
