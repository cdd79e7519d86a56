from functools import wraps


def second_factor_not_required(view):
    """Mark a page a logged-in user may open before passing the second factor (as `login_not_required`
    marks a page for anonymous visitors; those are open to unverified users too)."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        return view(*args, **kwargs)

    wrapped.second_factor_exempt = True
    return wrapped


def open_front_door(view):
    """A page anonymous visitors may open (the public `/`) that still asks a signed-in user for the second
    factor first: what it shows them is not public."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        return view(*args, **kwargs)

    wrapped.login_required = False
    wrapped.second_factor_front_door = True
    return wrapped
