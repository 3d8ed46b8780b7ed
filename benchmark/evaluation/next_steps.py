"""What to do next, printed after ``make run`` and written into the report."""

from __future__ import annotations


def next_steps_lines(model: str, suite: str, out: str = "results/my-model") -> list[str]:
    return [
        "Evaluate your own model:",
        f"  creativity-bench evaluate --model openai/MODEL -M base_url=http://127.0.0.1:8000/v1 --suite {suite} --out {out}",
        "      (any OpenAI-compatible server: vLLM `vllm serve MODEL`, Ollama -M base_url=http://127.0.0.1:11434/v1,",
        "       llama.cpp server, LM Studio, or the OpenAI API with OPENAI_API_KEY set)",
        f"  creativity-bench evaluate --model llamacpp/path/to/model.gguf --suite {suite} --out {out}",
        f"  creativity-bench evaluate --model hf/path/to/local/model --suite {suite} --out {out}",
        "Start a blind rating study on the same responses:",
        "  creativity-bench study create --help",
        "  creativity-bench rate --db sqlite:///results/ratings.db",
    ]


def next_steps_markdown(model: str, suite: str) -> list[str]:
    lines = next_steps_lines(model, suite)
    return ["## Next steps", "", "```bash", *[line.strip() for line in lines if line.startswith("  creativity-bench")], "```", ""]
