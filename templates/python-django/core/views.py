from django.http import JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe


@require_safe
def health(request):
    """Liveness probe: no database, no templates; always 200 while the app serves requests."""
    return JsonResponse({"status": "ok"})


@require_safe
def index(request):
    return render(request, "core/index.html")


@require_safe
def hello(request):
    name = request.GET.get("name") or "world"
    return JsonResponse({"message": f"Hello, {name}!", "time": timezone.now().isoformat()})
