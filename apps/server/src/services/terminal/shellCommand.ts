/**
 * Shell integration, VS Code's protocol: after each command the shell prints `OSC 633;E;<command line> BEL`
 * and `OSC 633;D;<exit code> BEL`, and `OSC 633;C BEL` when a command starts (from PS0). The IDE reads
 * them (xterm ignores OSCs nobody handles) to offer "Fix with AI" on a failed command.
 *
 * Bash reads this file instead of its login startup files, so it reads those itself first; the hook is put
 * in place after them, so a PROMPT_COMMAND the user's files set is kept (not replaced) and cannot drop the
 * hook. It goes first in PROMPT_COMMAND to see the command's `$?`, and hands the same `$?` on to the user's.
 * `\#` (the command number) only advances when a command ran, not on an empty Enter or Ctrl+C at the
 * prompt, whatever HISTCONTROL keeps; the command line comes from the history. Bash < 4.4 (no `@P`) gets
 * the startup files only.
 */
// String.raw keeps bash's backslashes; bash's `${` is written `\${` here so that JS does not interpolate it.
export const shellIntegrationScript =
  String.raw`# This file arrived on fd 3: the shell's children need not inherit it.
exec 3<&-
# What a login shell reads (bash reads this file instead).
if [ -r /etc/profile ]; then . /etc/profile; fi
if [ -r ~/.bash_profile ]; then . ~/.bash_profile
elif [ -r ~/.bash_login ]; then . ~/.bash_login
elif [ -r ~/.profile ]; then . ~/.profile
fi
if ((BASH_VERSINFO[0] * 100 + BASH_VERSINFO[1] >= 404)); then
  __vaporform_precmd() {
    local status=$? number='\#' line hex char i
    number=\${number@P}
    if [[ $number != "$__vaporform_command" ]]; then
      __vaporform_command=$number
      line=$(HISTTIMEFORMAT= builtin history 1)
      line=\${line#"\${line%%[![:space:]]*}"}
      line=\${line#"\${line%%[!0-9]*}"}
      line=\${line:2:4096}
      line=\${line//\\/\\\\}
      line=\${line//;/\\x3b}
      if [[ $line == *[[:cntrl:]]* ]]; then
        for ((i = 1; i < 32; i++)); do
          builtin printf -v hex '%02x' "$i"
          builtin printf -v char "\\x$hex"
          line=\${line//"$char"/\\x$hex}
        done
        line=\${line//$'\x7f'/\\x7f}
      fi
      builtin printf '\e]633;E;%s\a\e]633;D;%s\a' "$line" "$status"
    fi
    return "$status"
  }
  __vaporform_command='\#'
  __vaporform_command=\${__vaporform_command@P}
  PS0+='\e]633;C\a'
  if [[ -v PROMPT_COMMAND && \${PROMPT_COMMAND@a} == *a* ]]; then
    PROMPT_COMMAND=(__vaporform_precmd "\${PROMPT_COMMAND[@]}")
  else
    PROMPT_COMMAND=__vaporform_precmd\${PROMPT_COMMAND:+$'\n'$PROMPT_COMMAND}
  fi
  # A nested bash inheriting it would not know the hook.
  export -n PROMPT_COMMAND
fi
`.replaceAll('\\${', '${');

/**
 * bash when the image has it (every runtime image does), else a login sh. Bash gets the integration above
 * as its rcfile on fd 3 (a here-document: the container's root is read-only, and no file is left behind).
 */
export const shellCommand = [
  '/bin/sh',
  '-c',
  `if [ -x /bin/bash ]; then exec /bin/bash --rcfile /dev/fd/3 -i 3<<'VAPORFORM_RC'
${shellIntegrationScript}VAPORFORM_RC
else exec /bin/sh -l; fi`,
];
